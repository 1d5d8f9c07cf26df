import { screen } from '@testing-library/react';
import { makeRequest, makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunApproval } from './RunApproval';

const approvedRun = makeRun({
  triggeredBy: 'user:default/jane',
  approvedBy: ['user:default/sam'],
  requestId: 'req-1',
});

describe('RunApproval', () => {
  it('says who asked and who approved, with their comment', async () => {
    const api = mockKubernetesJobsApi({
      getRunRequest: jest.fn().mockResolvedValue(
        makeRequest({
          state: 'Started',
          decisions: [
            {
              by: 'user:default/sam',
              at: '2026-12-06T19:00:00Z',
              decision: 'approve',
              comment: 'Checked the backup',
            },
          ],
        }),
      ),
    });
    await renderWithApis(
      <RunApproval run={approvedRun} entityRef={SHOP_REF} />,
      { api },
    );
    expect(
      await screen.findByText(/approved by/, { selector: 'p' }),
    ).toHaveTextContent(
      'Asked by jane, approved by sam (“Checked the backup”)',
    );
    expect(api.getRunRequest).toHaveBeenCalledWith('req-1', SHOP_REF);
  });

  it('names them from the run when its request cannot be read', async () => {
    const api = mockKubernetesJobsApi({
      getRunRequest: jest.fn().mockRejectedValue(new Error('gone')),
    });
    await renderWithApis(
      <RunApproval run={approvedRun} entityRef={SHOP_REF} />,
      { api },
    );
    expect(
      await screen.findByText(/approved by/, { selector: 'p' }),
    ).toHaveTextContent('Asked by jane, approved by sam');
  });

  it('says nothing about a run that was not asked for', async () => {
    const api = mockKubernetesJobsApi();
    const { container } = await renderWithApis(
      <RunApproval run={makeRun()} entityRef={SHOP_REF} />,
      { api },
    );
    expect(container).toBeEmptyDOMElement();
    expect(api.getRunRequest).not.toHaveBeenCalled();
  });
});
