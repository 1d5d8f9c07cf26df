import { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ParameterDeclaration } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  ParameterInput,
  ParametersForm,
  initialInput,
  valuesOf,
} from './ParametersForm';

const PARAMETERS: ParameterDeclaration[] = [
  { name: 'EXPORT_DATE', title: 'Day to export', type: 'date', required: true },
  {
    name: 'FORMAT',
    title: 'File format',
    type: 'enum',
    options: ['csv', 'json'],
    default: 'csv',
  },
  {
    name: 'MAX_ORDERS',
    title: 'At most',
    type: 'integer',
    minimum: 1,
    maximum: 100,
    description: 'Orders per file',
  },
  { name: 'DRY_RUN', title: 'Dry run', type: 'boolean', default: false },
];

function Harness(props: {
  onValues: (v: ReturnType<typeof valuesOf>) => void;
}) {
  const [input, setInput] = useState<ParameterInput>(initialInput(PARAMETERS));
  const result = valuesOf(PARAMETERS, input);
  props.onValues(result);
  return (
    <ParametersForm
      parameters={PARAMETERS}
      input={input}
      onChange={setInput}
      problems={result.problems}
      showProblems
    />
  );
}

describe('ParametersForm', () => {
  it('renders a field per type, labelled, with help, and checks values as the backend does', async () => {
    let last: ReturnType<typeof valuesOf> | undefined;
    render(<Harness onValues={v => (last = v)} />);
    expect(screen.getByLabelText(/Day to export/)).toHaveAttribute(
      'type',
      'date',
    );
    expect(screen.getByLabelText(/At most/)).toHaveAttribute('type', 'number');
    expect(screen.getByLabelText('Dry run')).not.toBeChecked();
    expect(screen.getByText('Orders per file')).toBeInTheDocument();
    expect(last?.problems).toEqual({ EXPORT_DATE: 'Required' });

    await userEvent.type(screen.getByLabelText(/At most/), '500');
    expect(screen.getByText('Must be at most 100')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText(/At most/));
    await userEvent.type(screen.getByLabelText(/At most/), '50');
    await userEvent.type(screen.getByLabelText(/Day to export/), '2026-11-30');
    await userEvent.click(screen.getByLabelText('Dry run'));
    expect(last).toEqual({
      values: {
        EXPORT_DATE: '2026-11-30',
        FORMAT: 'csv',
        MAX_ORDERS: 50,
        DRY_RUN: true,
      },
      problems: {},
    });
  });

  it('starts from a past run’s values for Run again', () => {
    expect(
      initialInput(PARAMETERS, {
        EXPORT_DATE: '2026-11-01',
        MAX_ORDERS: 7,
        DRY_RUN: true,
      }),
    ).toEqual({
      EXPORT_DATE: '2026-11-01',
      FORMAT: 'csv',
      MAX_ORDERS: '7',
      DRY_RUN: true,
    });
  });
});
