import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/** People and their groups, as the demo catalog (examples/org.yaml) has them. */
const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/guest': ['user:default/guest', 'group:default/team-shop'],
  'user:default/marco': ['user:default/marco', 'group:default/team-marketing'],
  'user:default/sam': ['user:default/sam', 'group:default/sre'],
};

/** User info from {@link MEMBERSHIPS}; anyone else owns only themselves. */
export const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: MEMBERSHIPS[ref] ?? [ref],
    };
  },
});

/** A policy query user with credentials for `ref`. */
export const userFor = (ref: string) =>
  ({ credentials: mockCredentials.user(ref), info: {} } as any);
