import { ApiException } from '@kubernetes/client-node';
import { ClusterTimeoutError, statusCodeOf } from '../errors';
import { timeoutError, toBackstageError } from './errors';

const ctx = {
  cluster: 'prod',
  action: 'create Job',
  namespace: 'shop',
  name: 'migrate-*',
};

function apiException(code: number, body: unknown) {
  return new ApiException(code, 'HTTP error', body, {
    'www-authenticate': 'Bearer realm="token-in-headers"',
  });
}

describe('toBackstageError', () => {
  it.each([
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'InputError'],
    [403, 'NotAllowedError'],
    [500, 'ServiceUnavailableError'],
  ])(
    'maps Kubernetes %s to %s naming cluster, object and reason',
    (code, name) => {
      const error = toBackstageError(
        apiException(
          code,
          JSON.stringify({ kind: 'Status', message: 'the reason' }),
        ),
        ctx,
      );
      expect(error.name).toBe(name);
      expect(error.message).toContain("cluster 'prod'");
      expect(error.message).toContain("'migrate-*' in namespace 'shop'");
      expect(error.message).toContain('the reason');
    },
  );

  it('maps Kubernetes 401 to NotAllowedError naming the cluster', () => {
    const error = toBackstageError(apiException(401, ''), ctx);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain("Cluster 'prod' did not accept");
  });

  it('keeps response headers and non-Status bodies out of the message', () => {
    const error = toBackstageError(
      apiException(500, '<html>token=abc</html>'),
      ctx,
    );
    expect(error.message).not.toContain('token');
    expect(error.message).not.toContain('realm');
  });

  it('reports a client-side failure without credentials', () => {
    const error = toBackstageError(
      new Error(
        'request to https://user:pw@host/api failed with Bearer abc.def',
      ),
      ctx,
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toContain("Could not create Job 'migrate-*'");
    expect(error.message).not.toContain('pw');
    expect(error.message).not.toContain('abc.def');
  });

  it('reports a connection failure as the cluster being unreachable', () => {
    const error = toBackstageError(
      Object.assign(new Error('request to https://user:pw@host failed'), {
        code: 'ECONNREFUSED',
      }),
      ctx,
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toBe(
      "Cluster 'prod' is unreachable (ECONNREFUSED) while trying to create Job 'migrate-*' in namespace 'shop'",
    );
  });
});

describe('timeoutError', () => {
  it('says a create that timed out may still have happened', () => {
    const error = timeoutError(ctx, 10_000);
    // A 504 of the kind every door (HTTP, MCP, templates) knows.
    expect(error).toBeInstanceOf(ClusterTimeoutError);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(statusCodeOf(error)).toBe(504);
    expect(error.message).toBe(
      "Cluster 'prod' did not answer within 10 s to create Job 'migrate-*' in namespace 'shop'; whether it was created is not known yet: if it was, it will show up in a moment",
    );
  });

  it('says only that a read timed out', () => {
    expect(
      timeoutError(
        { cluster: 'prod', action: 'list Pods', namespace: 'shop' },
        2500,
      ).message,
    ).toBe(
      "Cluster 'prod' did not answer within 2.5 s to list Pods in namespace 'shop'",
    );
  });
});
