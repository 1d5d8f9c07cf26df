import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Fact } from './Fact';

describe('Fact', () => {
  it('shows its label and value, and a dash when there is no value', async () => {
    await renderInTestApp(
      <dl>
        <Fact label="Started by">Jane Doe</Fact>
        <Fact label="Took">{undefined}</Fact>
      </dl>,
    );
    expect(screen.getByText('Started by')).toBeInTheDocument();
    expect(screen.getByText('Jane Doe')).toBeInTheDocument();
    expect(screen.getByText('Took').nextSibling).toHaveTextContent('—');
  });
});
