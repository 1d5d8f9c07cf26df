import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  makeDefinition,
  makeRequest,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunRequestsList } from './RunRequestsList';

const JANE = 'user:default/jane';
const SAM = 'user:default/sam';
const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60_000).toISOString();
const hoursAhead = (n: number) =>
  new Date(Date.now() + n * 3600_000).toISOString();

const waiting = makeRequest({ requestedAt: minutesAgo(5) });
const scheduled = makeRequest({
  id: 'req-2',
  state: 'Scheduled',
  approval: undefined,
  notBefore: hoursAhead(6),
  parameters: { DRY_RUN: true },
});
const notStarted = makeRequest({
  id: 'req-3',
  state: 'NotStarted',
  stateReason: 'the Job changed after it was approved',
});

// usePermission caches decisions per permission and resource (SWR) across tests, so the
// denied cases ask about entities no other test asked about.
const mine = makeRequest({ entityRef: 'component:default/jane-only' });
const notMine = makeRequest({ entityRef: 'component:default/not-mine' });

describe('RunRequestsList', () => {
  it('says in words when each waiting run runs, or whose approval it waits for', async () => {
    await renderWithApis(
      <RunRequestsList
        requests={[waiting, scheduled]}
        currentUser={SAM}
        onChange={jest.fn()}
      />,
      { api: mockKubernetesJobsApi(), userEntityRef: SAM },
    );
    const list = screen.getByRole('region', { name: 'Waiting runs' });
    expect(list).toHaveTextContent(
      'Waiting for approval from team-sre (asked by jane 5 minutes ago)',
    );
    expect(list).toHaveTextContent(
      /Runs \w+ at \d\d:\d\d \(in 6 hours\), asked by jane/,
    );
    expect(list).not.toHaveTextContent('Earlier requests');
  });

  it('lets the requester cancel, and tells them someone else must approve', async () => {
    const api = mockKubernetesJobsApi({
      cancelRunRequest: jest
        .fn()
        .mockResolvedValue({ ...waiting, state: 'Cancelled' }),
    });
    const onChange = jest.fn();
    await renderWithApis(
      <RunRequestsList
        requests={[mine]}
        currentUser={JANE}
        onChange={onChange}
      />,
      // The requester needs no kill permission to cancel their own run.
      { api, userEntityRef: JANE, permission: AuthorizeResult.DENY },
    );
    expect(
      screen.getByText('You asked for this run: someone else must approve it'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Cancel the run of shop-db-migrate asked by jane',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Cancel the run of shop-db-migrate?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel the run' }),
    );
    expect(api.cancelRunRequest).toHaveBeenCalledWith('req-1', mine.entityRef);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
  });

  it('lets an approver approve with a comment, and reject', async () => {
    const api = mockKubernetesJobsApi({
      approveRunRequest: jest.fn().mockResolvedValue({
        ...waiting,
        state: 'Started',
        run: { name: 'shop-db-migrate-x7k2p' },
      }),
      rejectRunRequest: jest
        .fn()
        .mockResolvedValue({ ...waiting, state: 'Rejected' }),
    });
    const onChange = jest.fn();
    const { toastApi } = await renderWithApis(
      <RunRequestsList
        requests={[waiting]}
        currentUser={SAM}
        onChange={onChange}
      />,
      { api, userEntityRef: SAM },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve the run of shop-db-migrate asked by jane',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Approve the run of shop-db-migrate?',
    });
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'Checked with the shop team',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(api.approveRunRequest).toHaveBeenCalledWith(
      'req-1',
      SHOP_REF,
      'Checked with the shop team',
    );
    await waitFor(() =>
      expect(toastApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          title: 'Approved: shop-db-migrate-x7k2p started',
        }),
      ),
    );

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Reject the run of shop-db-migrate asked by jane',
      }),
    );
    const reject = screen.getByRole('dialog', {
      name: 'Reject the run of shop-db-migrate?',
    });
    await userEvent.click(
      within(reject).getByRole('button', { name: 'Reject' }),
    );
    expect(api.rejectRunRequest).toHaveBeenCalledWith(
      'req-1',
      SHOP_REF,
      undefined,
    );
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('offers neither Cancel nor Approve to someone else who may do neither', async () => {
    const permissionApi = {
      authorize: jest.fn(async () => ({ result: AuthorizeResult.DENY })),
    };
    await renderWithApis(
      <RunRequestsList
        requests={[notMine]}
        currentUser={SAM}
        onChange={jest.fn()}
      />,
      {
        api: mockKubernetesJobsApi(),
        userEntityRef: SAM,
        extraApis: [[permissionApiRef, permissionApi]],
      },
    );
    // Both questions were answered (no for both) before looking for the buttons.
    await waitFor(() => expect(permissionApi.authorize).toHaveBeenCalled());
    await act(async () => {});
    expect(
      screen.queryByRole('button', { name: /^(Approve|Reject|Cancel) / }),
    ).toBeNull();
    expect(screen.getByRole('button', { name: 'Details' })).toBeEnabled();
  });

  it('shows who asked, the choices, the cluster and the Job as it will run, on demand', async () => {
    await renderWithApis(
      <RunRequestsList
        requests={[scheduled]}
        definition={makeDefinition()}
        currentUser={SAM}
        onChange={jest.fn()}
      />,
      { api: mockKubernetesJobsApi(), userEntityRef: SAM },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Details' }));
    const facts = screen.getByLabelText('About this request');
    expect(facts).toHaveTextContent('Asked byjane');
    expect(facts).toHaveTextContent('On clustersandbox');
    expect(screen.getByLabelText('Chosen for this run')).toHaveTextContent(
      'DRY_RUNYes',
    );
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Technical details of the Job as it will run',
      }),
    );
    expect(screen.getByText('shop')).toBeInTheDocument();
  });

  it('keeps ended requests under a toggle, saying why one did not start', async () => {
    await renderWithApis(
      <RunRequestsList
        requests={[notStarted]}
        currentUser={SAM}
        onChange={jest.fn()}
      />,
      { api: mockKubernetesJobsApi(), userEntityRef: SAM },
    );
    expect(
      screen.getByText('No run waits for its time or for approval.'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Earlier requests (1)' }),
    );
    expect(
      screen.getByRole('list', { name: 'Earlier requests' }),
    ).toHaveTextContent(
      'Not started: the Job changed after it was approved, asked by jane',
    );
  });
});
