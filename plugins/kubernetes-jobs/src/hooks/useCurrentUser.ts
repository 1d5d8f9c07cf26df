import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';

/**
 * The signed-in user's entity ref (`user:default/jane`), or undefined while it is read or when
 * it cannot be: the backend decides anyway, this only chooses which buttons to offer.
 */
export function useCurrentUser(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  return value;
}
