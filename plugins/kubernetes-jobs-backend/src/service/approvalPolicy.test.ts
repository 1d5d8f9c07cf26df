import { ConfigReader } from '@backstage/config';
import { V1CronJob, V1Job } from '@kubernetes/client-node';
import { readPluginOptions } from '../config';
import { approvalFor } from './approvalPolicy';
import { specFingerprint } from './fingerprint';

const job = (annotations: Record<string, string> = {}): V1Job => ({
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'shop', annotations },
  spec: {
    suspend: true,
    template: { spec: { containers: [{ name: 'main', image: 'busybox' }] } },
  },
});

describe('approvalFor', () => {
  it('needs nothing without annotations or rules', () => {
    expect(approvalFor('prod', job(), [])).toEqual({});
  });

  it.each([
    ['required', 1, 'the Job asks for one approval'],
    ['2', 2, 'the Job asks for 2 approvals'],
    [' required ', 1, 'the Job asks for one approval'],
  ])('reads %j as %d', (value, required, reason) => {
    expect(
      approvalFor('prod', job({ 'job-assistant/approval': value }), []),
    ).toEqual({ approval: { required, approverGroups: [], reason } });
  });

  it('asks for one approval when approvers are named, normalising their refs', () => {
    expect(
      approvalFor(
        'prod',
        job({ 'job-assistant/approvers': 'team-sre, group:default/dba,' }),
        [],
      ),
    ).toEqual({
      approval: {
        required: 1,
        approverGroups: ['group:default/dba', 'group:default/team-sre'],
        reason: 'the Job asks for one approval',
      },
    });
  });

  it('lets the stricter win: the larger count and the groups of both', () => {
    const rules = [
      { cluster: 'prod', count: 1, approverGroups: ['group:default/sre'] },
      { cluster: 'dev', count: 5, approverGroups: ['group:default/dev'] },
    ];
    expect(
      approvalFor(
        'prod',
        job({
          'job-assistant/approval': '2',
          'job-assistant/approvers': 'group:default/dba',
        }),
        rules,
      ),
    ).toEqual({
      approval: {
        required: 2,
        approverGroups: ['group:default/dba', 'group:default/sre'],
        reason:
          'the Job asks for 2 approvals and every run on cluster prod needs approval',
      },
    });
    expect(approvalFor('prod', job(), rules).approval?.reason).toBe(
      'every run on cluster prod needs approval',
    );
    expect(approvalFor('staging', job(), rules)).toEqual({});
  });

  it.each([
    [
      'yes please',
      /must be 'required' or a number of approvals, not 'yes please'/,
    ],
    ['0', /from 1 to 10, not '0'/],
    ['11', /from 1 to 10, not '11'/],
  ])('refuses %j: a typo never means "no approval"', (value, message) => {
    const need = approvalFor(
      'prod',
      job({ 'job-assistant/approval': value }),
      [],
    );
    expect(need.approval).toBeUndefined();
    expect(need.error).toMatch(message);
  });

  it('refuses an approver that is not a ref', () => {
    expect(
      approvalFor(
        'prod',
        job({ 'job-assistant/approvers': 'component:default/shop' }),
        [],
      ).error,
    ).toContain("'component:default/shop' is not a group ref");
  });
});

describe('specFingerprint', () => {
  it('is the same for the same spec read twice, in any key order, suspended or not', () => {
    const a = job();
    const b = job();
    b.spec = {
      template: { spec: { containers: [{ image: 'busybox', name: 'main' }] } },
      suspend: false,
    };
    expect(specFingerprint(a)).toBe(specFingerprint(b));
    expect(specFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with what a run executes', () => {
    const changed = job();
    changed.spec!.template.spec!.containers[0].image = 'busybox:evil';
    expect(specFingerprint(changed)).not.toBe(specFingerprint(job()));
  });

  it("hashes a CronJob's jobTemplate spec", () => {
    const cron: V1CronJob = {
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: { schedule: '0 2 * * *', jobTemplate: { spec: job().spec } },
    };
    expect(specFingerprint(cron)).toBe(specFingerprint(job()));
  });
});

describe('kubernetesJobs.approvals and runRequests config', () => {
  const read = (kubernetesJobs: object) =>
    readPluginOptions(new ConfigReader({ kubernetesJobs }));

  it('has defaults', () => {
    expect(read({})).toMatchObject({
      approvals: [],
      runRequests: {
        horizonDays: 30,
        approvalExpiryHours: 24,
        sweepSeconds: 10,
      },
    });
  });

  it('reads the rules, group refs normalised', () => {
    expect(
      read({
        approvals: [
          { cluster: 'production', approverGroups: ['team-sre'] },
          { cluster: 'staging', count: 2 },
        ],
      }).approvals,
    ).toEqual([
      {
        cluster: 'production',
        count: 1,
        approverGroups: ['group:default/team-sre'],
      },
      { cluster: 'staging', count: 2, approverGroups: [] },
    ]);
  });

  it.each([
    [
      { approvals: [{ cluster: 'p', count: 0 }] },
      'kubernetesJobs.approvals[0].count',
    ],
    [
      { approvals: [{ count: 1 }] },
      "Missing required config value at 'kubernetesJobs.approvals[0].cluster'",
    ],
    [
      {
        approvals: [
          { cluster: 'p', approverGroups: ['component:default/shop'] },
        ],
      },
      'kubernetesJobs.approvals[0].approverGroups',
    ],
    [
      { runRequests: { horizonDays: 0 } },
      'kubernetesJobs.runRequests.horizonDays',
    ],
    [
      { runRequests: { sweepSeconds: 1.5 } },
      'kubernetesJobs.runRequests.sweepSeconds',
    ],
  ])('fails startup on %j, naming the key', (value, key) => {
    expect(() => read(value)).toThrow(key);
  });
});
