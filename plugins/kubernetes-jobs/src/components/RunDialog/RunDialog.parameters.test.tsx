import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { ParameterDeclaration } from '@job-assistant/plugin-kubernetes-jobs-common';
import { makeDefinition, SHOP_REF } from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunDefinitionButton } from '../RunDefinitionButton/RunDefinitionButton';

const PARAMETERS: ParameterDeclaration[] = [
  {
    name: 'EXPORT_DATE',
    title: 'Day to export',
    type: 'date',
    required: true,
  },
  {
    name: 'LIMIT',
    title: 'Most orders',
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 100,
  },
  { name: 'DRY_RUN', title: 'Only try', type: 'boolean', default: false },
];

const definition = makeDefinition({
  name: 'shop-nightly-export',
  parameters: PARAMETERS,
});

async function openDialog(label = 'Run shop-nightly-export') {
  const button = await screen.findByRole('button', { name: label });
  await waitFor(() => expect(button).not.toHaveAttribute('aria-busy'));
  await userEvent.click(button);
  return screen.getByRole('dialog');
}

describe('RunDialog with parameters', () => {
  it('asks for each declared value, refuses what the backend would, and sends the typed values', async () => {
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockResolvedValue({ name: 'r1' }),
    });
    await renderWithApis(
      <RunDefinitionButton definition={definition} entityRef={SHOP_REF} />,
      { api },
    );
    const dialog = await openDialog();
    const form = within(dialog).getByRole('form', {
      name: 'Choices for this run',
    });
    const limit = within(form).getByLabelText(/Most orders/);
    expect(limit).toHaveValue(100);

    // The required date is missing: nothing is sent, and the field says why.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).not.toHaveBeenCalled();
    expect(form).toHaveTextContent('Required');

    await userEvent.type(
      within(form).getByLabelText(/Day to export/),
      '2026-11-30',
    );
    await userEvent.clear(limit);
    await userEvent.type(limit, '5000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).not.toHaveBeenCalled();
    expect(form).toHaveTextContent(/1000/);

    await userEvent.clear(limit);
    await userEvent.type(limit, '20');
    await userEvent.click(within(form).getByLabelText('Only try'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).toHaveBeenCalledWith(definition, SHOP_REF, {
      EXPORT_DATE: '2026-11-30',
      LIMIT: 20,
      DRY_RUN: true,
    });
  });

  it('shows the backend’s refusal of a value next to its field, and forgets it once edited', async () => {
    const refusal = await ResponseError.fromResponse(
      errorResponse(
        400,
        'InputError',
        'parameters.EXPORT_DATE: must not be in the future',
      ),
    );
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockRejectedValue(refusal),
    });
    await renderWithApis(
      <RunDefinitionButton definition={definition} entityRef={SHOP_REF} />,
      { api },
    );
    const dialog = await openDialog();
    const date = within(dialog).getByLabelText(/Day to export/);
    await userEvent.type(date, '2099-01-01');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));
    await waitFor(() =>
      expect(date).toHaveAccessibleDescription('Must not be in the future'),
    );
    // Not a banner: the field says it.
    expect(within(dialog).queryByRole('alert')).toBeNull();
    await userEvent.clear(date);
    await userEvent.type(date, '2026-11-30');
    expect(dialog).not.toHaveTextContent('Must not be in the future');
  });

  it('Run again starts from the past run’s values', async () => {
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockResolvedValue({ name: 'r2' }),
    });
    await renderWithApis(
      <RunDefinitionButton
        definition={definition}
        entityRef={SHOP_REF}
        initialValues={{ EXPORT_DATE: '2026-10-01', LIMIT: 7, DRY_RUN: true }}
      />,
      { api },
    );
    const dialog = await openDialog(
      'Run shop-nightly-export again with these values',
    );
    expect(within(dialog).getByLabelText(/Day to export/)).toHaveValue(
      '2026-10-01',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).toHaveBeenCalledWith(definition, SHOP_REF, {
      EXPORT_DATE: '2026-10-01',
      LIMIT: 7,
      DRY_RUN: true,
    });
  });

  it('cannot run a Job whose parameters are written wrongly, and says so in plain words', async () => {
    const api = mockKubernetesJobsApi();
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition({
          name: 'shop-nightly-export',
          parametersError: 'parameters annotation invalid: [0].type: unknown',
        })}
        entityRef={SHOP_REF}
      />,
      { api },
    );
    const button = await screen.findByRole('button', {
      name: 'Run shop-nightly-export',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAccessibleDescription(
      /written wrongly: its owners must fix them/,
    );
  });
});
