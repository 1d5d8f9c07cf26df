import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ChosenParameters } from './ChosenParameters';

describe('ChosenParameters', () => {
  it('lists the chosen values as a person reads them', async () => {
    await renderInTestApp(
      <ChosenParameters parameters={{ DRY_RUN: true, LIMIT: 120 }} />,
    );
    const list = screen.getByLabelText('Chosen for this run');
    expect(list).toHaveTextContent('DRY_RUN');
    expect(list).toHaveTextContent('Yes');
    expect(list).toHaveTextContent('120');
  });

  it('shows nothing for a run without choices', async () => {
    await renderInTestApp(<ChosenParameters parameters={{}} />);
    expect(screen.queryByText('Chosen for this run')).not.toBeInTheDocument();
  });
});
