import { KubernetesJobsApi } from '../apis';

/**
 * A KubernetesJobsApi whose methods are jest mocks; unconfigured ones never resolve, except the
 * lists of run requests, which every Jobs view asks for: they answer an empty list.
 */
export function mockKubernetesJobsApi(
  overrides: Partial<KubernetesJobsApi> = {},
): jest.Mocked<KubernetesJobsApi> {
  const pending = () => new Promise<never>(() => {});
  return {
    getDefinitions: jest.fn(pending),
    getDefinition: jest.fn(pending),
    getRunHistory: jest.fn(pending),
    runDefinition: jest.fn(pending),
    getRun: jest.fn(pending),
    killRun: jest.fn(pending),
    setSchedule: jest.fn(pending),
    getRunEvents: jest.fn(pending),
    getRunPods: jest.fn(pending),
    getRunLogs: jest.fn(pending),
    requestRun: jest.fn(pending),
    getRunRequests: jest.fn(async () => ({ items: [] })),
    listRunRequests: jest.fn(async () => ({ items: [] })),
    getRunRequest: jest.fn(pending),
    approveRunRequest: jest.fn(pending),
    rejectRunRequest: jest.fn(pending),
    cancelRunRequest: jest.fn(pending),
    ...overrides,
  } as jest.Mocked<KubernetesJobsApi>;
}

/** What `ResponseError.fromResponse` builds from the backend's standard error body. */
export function errorResponse(
  statusCode: number,
  name: string,
  message: string,
): Response {
  return new Response(
    JSON.stringify({ error: { name, message }, response: { statusCode } }),
    { status: statusCode, headers: { 'Content-Type': 'application/json' } },
  );
}
