import { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import recorded from '../__fixtures__/recorded.json';
import {
  computeStats,
  isDefinition,
  runStateOf,
  toJobRun,
  waitingReason,
} from './model';
import { buildRunJob } from './runJob';

const definitionJob = recorded.definitionJob as unknown as V1Job;
const now = new Date('2026-11-28T10:00:00.000Z');
const options = {
  annotationKey: 'job-assistant',
  triggeredBy: 'user:default/jane',
  now,
};

describe('buildRunJob', () => {
  it("puts parameter values where the template's env references still see them", () => {
    const definition = structuredClone(definitionJob);
    definition.spec!.template.spec!.containers[0].env = [
      { name: 'FORMAT', value: 'csv' },
      { name: 'OUT_FILE', value: '/out/$(FORMAT)-$(DAY).txt' },
      { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ];
    const run = buildRunJob(definition, {
      ...options,
      parameters: {
        declarations: [
          { name: 'FORMAT', type: 'string' },
          { name: 'DAY', type: 'string' },
          { name: 'SECRET', type: 'string' },
        ] as any,
        values: { FORMAT: 'json', DAY: '2026-12-06', SECRET: 'given' },
      },
    });
    // Kubernetes expands $(NAME) in an env value only from variables defined before it: a
    // replaced variable keeps its place, a new one comes before the template's variables.
    expect(run.spec?.template.spec?.containers[0].env).toEqual([
      { name: 'DAY', value: '2026-12-06' },
      { name: 'FORMAT', value: 'json' },
      { name: 'OUT_FILE', value: '/out/$(FORMAT)-$(DAY).txt' },
      { name: 'SECRET', value: 'given' },
    ]);
    // The definition is only read.
    expect(definition.spec!.template.spec!.containers[0].env![0].value).toBe(
      'csv',
    );
  });

  it('builds what the apiserver accepted, with the link label and trigger annotations', () => {
    const run = buildRunJob(definitionJob, options);
    const accepted = recorded.acceptedRunRequest as any;

    expect(run.metadata?.generateName).toBe(accepted.metadata.generateName);
    expect(run.metadata?.name).toBeUndefined();
    expect(run.metadata?.ownerReferences).toEqual(
      accepted.metadata.ownerReferences,
    );
    expect(run.spec?.suspend).toBe(false);
    expect(run.spec?.template?.spec).toEqual(accepted.spec.template.spec);
    expect(run.metadata?.labels).toEqual({
      'backstage.io/kubernetes-id': 'shop',
      'job-assistant/definition': 'shop-migrate',
      'job-assistant/definition-kind': 'Job',
    });
    expect(run.metadata?.annotations).toEqual({
      'job-assistant/triggered-by': 'user:default/jane',
      'job-assistant/triggered-at': '2026-11-28T10:00:00.000Z',
    });
  });

  it('drops what the apiserver rejects when copied verbatim (422 in the recording)', () => {
    const rejected = recorded.rejectedVerbatimRunRequest as any;
    // The recorded failing request carried the definition's controller labels and selector.
    expect(
      rejected.spec.template.metadata.labels[
        'batch.kubernetes.io/controller-uid'
      ],
    ).toBeDefined();

    const run = buildRunJob(definitionJob, options);
    expect(run.spec?.selector).toBeUndefined();
    expect(run.spec?.manualSelector).toBeUndefined();
    expect(run.spec?.template?.metadata?.labels).toEqual({});
    expect(run.metadata).not.toHaveProperty('uid');
    expect(run.metadata).not.toHaveProperty('resourceVersion');
    expect(run.metadata).not.toHaveProperty('creationTimestamp');
    expect(run).not.toHaveProperty('status');
  });

  it('never changes the definition it reads', () => {
    const before = JSON.stringify(definitionJob);
    buildRunJob(definitionJob, options);
    expect(JSON.stringify(definitionJob)).toBe(before);
  });

  it('strips GitOps tracking and the definition annotation but keeps other metadata', () => {
    const tracked = structuredClone(definitionJob);
    tracked.metadata!.labels = {
      ...tracked.metadata!.labels,
      'argocd.argoproj.io/instance': 'shop',
      'kustomize.toolkit.fluxcd.io/name': 'shop',
      team: 'payments',
    };
    tracked.metadata!.annotations = {
      ...tracked.metadata!.annotations,
      'argocd.argoproj.io/tracking-id': 'shop:batch/Job:demo/shop-migrate',
      'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"x"}',
      'job-assistant/allow-parallel-runs': 'true',
      'job-assistant/description': 'Migrate',
    };
    const run = buildRunJob(tracked, options);
    expect(run.metadata?.labels).toMatchObject({ team: 'payments' });
    expect(run.metadata?.labels).not.toHaveProperty(
      'argocd.argoproj.io/instance',
    );
    expect(run.metadata?.labels).not.toHaveProperty(
      'kustomize.toolkit.fluxcd.io/name',
    );
    expect(run.metadata?.annotations).toEqual({
      'job-assistant/description': 'Migrate',
      'job-assistant/triggered-by': 'user:default/jane',
      'job-assistant/triggered-at': '2026-11-28T10:00:00.000Z',
    });
  });

  it('keeps long names within the 63 characters Kubernetes allows', () => {
    const long = structuredClone(definitionJob);
    long.metadata!.name = 'a'.repeat(63);
    const run = buildRunJob(long, options);
    expect(run.metadata!.generateName!.length + 5).toBeLessThanOrEqual(63);
  });

  it('builds a run from a CronJob jobTemplate, like kubectl create job --from=cronjob', () => {
    const cronJob = recorded.cronJob as unknown as V1CronJob;
    const run = buildRunJob(cronJob, options);
    expect(run.spec?.template).toEqual(
      cronJob.spec?.jobTemplate.spec?.template,
    );
    expect(run.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: cronJob.metadata?.name,
        uid: cronJob.metadata?.uid,
        controller: false,
        blockOwnerDeletion: false,
      },
    ]);
    expect(run.metadata?.labels).toMatchObject({
      ...cronJob.metadata?.labels,
      'job-assistant/definition': cronJob.metadata?.name,
      'job-assistant/definition-kind': 'CronJob',
    });
    expect(run.metadata?.annotations).not.toHaveProperty('job-assistant');
  });
});

describe('runStateOf', () => {
  it.each([
    ['runRunning', 'Running'],
    ['runComplete', 'Succeeded'],
    ['runFailed', 'Failed'],
    ['runFailedRetrying', 'Running'],
    ['runSuspendedWhileRunning', 'Killed'],
    // SuccessCriteriaMet comes before Complete: only Complete is success.
    ['runSuccessCriteriaMetOnly', 'Running'],
  ])('%s is %s', (fixture, state) => {
    expect(runStateOf((recorded as any)[fixture] as V1Job)).toBe(state);
  });

  it('is Pending before the controller starts the Job', () => {
    expect(runStateOf({ spec: { template: {} }, status: {} } as V1Job)).toBe(
      'Pending',
    );
  });
});

describe('toJobRun', () => {
  it('reports the failure reason and the duration of a failed run', () => {
    const run = toJobRun('sandbox', recorded.runFailed as unknown as V1Job, {
      kind: 'Job',
      name: 'shop-boom',
    });
    expect(run.state).toBe('Failed');
    expect(run.failure?.reason).toBe('BackoffLimitExceeded');
    expect(run.failure?.message).toBe(
      'Job has reached the specified backoff limit',
    );
    expect(run.pods.failed).toBe(2);
    expect(run.durationSeconds).toBeGreaterThan(0);
  });

  it('takes the duration of a succeeded run from startTime to completionTime', () => {
    const job = recorded.runComplete as any;
    const run = toJobRun('sandbox', job, { kind: 'Job', name: 'shop-migrate' });
    expect(run.durationSeconds).toBe(
      (Date.parse(job.status.completionTime) -
        Date.parse(job.status.startTime)) /
        1000,
    );
  });
});

describe('isDefinition', () => {
  it('accepts enable and true only', () => {
    const withValue = (value: string) =>
      ({ metadata: { annotations: { 'job-assistant': value } } } as V1Job);
    expect(isDefinition(withValue('enable'), 'job-assistant')).toBe(true);
    expect(isDefinition(withValue('true'), 'job-assistant')).toBe(true);
    expect(isDefinition(withValue('false'), 'job-assistant')).toBe(false);
    expect(isDefinition({ metadata: {} } as V1Job, 'job-assistant')).toBe(
      false,
    );
  });
});

describe('computeStats', () => {
  const run = (state: string, durationSeconds?: number) =>
    ({ state, durationSeconds } as any);

  it('counts states and rates success over succeeded and failed runs, not killed ones', () => {
    const stats = computeStats([
      run('Running'),
      run('Succeeded', 10),
      run('Succeeded', 30),
      run('Failed', 5),
      run('Killed', 2),
      run('Succeeded', 20),
    ]);
    expect(stats.lastRun?.state).toBe('Running');
    expect(stats.counts).toEqual({
      total: 6,
      active: 1,
      succeeded: 3,
      failed: 1,
      killed: 1,
    });
    expect(stats.successRate).toBeCloseTo(3 / 4);
    expect(stats.typicalDurationSeconds).toBe(20);
  });

  it('has no rate or typical duration without finished runs', () => {
    const stats = computeStats([]);
    expect(stats.successRate).toBeUndefined();
    expect(stats.typicalDurationSeconds).toBeUndefined();
    expect(stats.lastRun).toBeUndefined();
  });
});

describe('waitingReason', () => {
  const pod = (status: V1Pod['status']) => ({ status } as V1Pod);

  it('says why a container has no log yet', () => {
    expect(waitingReason(pod({ phase: 'Pending' }), 'main')).toBe('PodPending');
    expect(
      waitingReason(
        pod({
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'main',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        }),
        'main',
      ),
    ).toBe('ContainerCreating');
  });

  it('lets running and finished containers be read', () => {
    const running = pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'x',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: new Date() } },
        },
      ],
    });
    expect(waitingReason(running, 'main')).toBeUndefined();
    const restarting = pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 1,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1 } },
        },
      ],
    });
    expect(waitingReason(restarting, 'main')).toBeUndefined();
  });
});
