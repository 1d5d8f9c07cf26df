import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ActionFailureAlert } from './ActionFailureAlert';

describe('ActionFailureAlert', () => {
  it('says what failed and the backend’s explanation, as an alert', async () => {
    await renderInTestApp(
      <ActionFailureAlert
        failure={{
          title: 'The run could not be stopped',
          message: 'shop-reindex-abc12 already finished (Succeeded)',
        }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The run could not be stopped');
    expect(alert).toHaveTextContent(
      'shop-reindex-abc12 already finished (Succeeded)',
    );
  });
});
