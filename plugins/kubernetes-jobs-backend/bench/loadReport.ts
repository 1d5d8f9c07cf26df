/*
 * The load run's printed figures, per phase.
 */
import { PhaseResult } from './phase';
import { ROUTES } from './recorder';
import { formatBytes, formatMs, formatVerbs, printColumns } from './report';

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const pct = (value: number) => `${value.toFixed(0)} %`;
const perReplica = (values: string[]) => values.join(' / ');

function printRoutes(result: PhaseResult) {
  const { latency } = result.hints;
  const hintRows = [
    ['Run sent -> first hint, replica that ran it', latency.sameReplica],
    ['Run sent -> first hint, other replica', latency.otherReplica],
    ['hint published -> browser of another replica', latency.acrossReplicas],
  ] as const;
  printColumns(
    ['view or action', 'answered', 'p50', 'p99', 'max'],
    [
      ...ROUTES.map(r => {
        const s = result.routes[r];
        return [
          r,
          String(s.n),
          formatMs(s.p50),
          formatMs(s.p99),
          formatMs(s.max),
        ];
      }),
      ...hintRows
        .filter(([, s]) => s.n || s.missing)
        .map(([name, s]) => [
          `${name}${s.missing ? ` (${s.missing} never came)` : ''}`,
          String(s.n),
          formatMs(s.p50),
          formatMs(s.p99),
          formatMs(s.max),
        ]),
    ],
    c => c > 0,
  );
}

function printErrors(result: PhaseResult) {
  console.log(
    `errors: ${result.unexpectedErrors} unexpected; signals sockets closed or refused: ${result.socketFailures}`,
  );
  if (!result.errors.length) return;
  printColumns(
    ['route', 'status', 'count', ''],
    result.errors.map(e => [
      e.route,
      e.status,
      String(e.count),
      e.expected ? 'expected: the definition is already running' : '',
    ]),
    c => c === 2,
  );
}

function printSamples(result: PhaseResult) {
  console.log(
    `over time (every ${result.options.sampleSeconds} s; per replica a / b; CPU in % of one core, load = sandbox, proxy and browsers; machine: all cores busy, in %):`,
  );
  printColumns(
    [
      't',
      'views/s',
      '304',
      'tab p99',
      'page p99',
      'runs',
      'stops',
      'errors',
      'hints pub/s',
      'hints recv/s',
      'heap MiB',
      'backend CPU',
      'loop p99',
      'load CPU',
      'machine',
      'apiserver req/s',
      'by verb',
    ],
    result.samples.map(s => {
      const replicas = Object.values(s.replicas);
      return [
        `${s.t.toFixed(0)} s`,
        s.viewsPerSecond.toFixed(0),
        pct(s.notModifiedPercent),
        formatMs(s.tabP99),
        formatMs(s.pageP99),
        String(s.runs),
        String(s.stops),
        String(s.errors),
        perReplica(replicas.map(r => r.signalsPublishedPerSecond.toFixed(1))),
        s.hintsReceivedPerSecond.toFixed(0),
        perReplica(replicas.map(r => mib(r.heap))),
        perReplica(replicas.map(r => pct(r.cpu))),
        perReplica(replicas.map(r => formatMs(r.loopDelayP99))),
        pct(s.loadCpu),
        pct(s.machineCpu),
        s.apiserverPerSecond.toFixed(1),
        formatVerbs(s.apiserverByVerb, 1),
      ];
    }),
    c => c > 0 && c < 16,
  );
}

export function printPhase(result: PhaseResult) {
  const { options, hints } = result;
  console.log('');
  console.log(
    `${options.viewers} viewers (${options.mode}), ${
      options.runsPerSecond
    } Run/s, ${result.seconds.toFixed(0)} s`,
  );
  console.log('');
  printRoutes(result);
  console.log('');
  printErrors(result);
  console.log('');
  printSamples(result);
  console.log('');
  console.log(
    `signals: ${perReplica(
      hints.publishedPerSecond.map(n => n.toFixed(1)),
    )} hints/s published, ${hints.receivedPerSecond.toFixed(
      0,
    )} messages/s received by the browsers, ${hints.refetchesPerSecond.toFixed(
      1,
    )} refetches/s they caused`,
  );
  const { firstFromOwnReplica, firstFromAnother } = hints.latency;
  if (result.replicas.length > 1 && firstFromOwnReplica + firstFromAnother) {
    console.log(
      `first hint about a run at a probe: published by its own replica ${firstFromOwnReplica} times, by another ${firstFromAnother} times (the replica that claimed the change first publishes it)`,
    );
  }
  for (const r of result.replicas) {
    const split =
      r.requests === undefined
        ? ''
        : `, ${r.requests} HTTP requests and ${r.sockets} sockets through the proxy`;
    console.log(
      `replica ${r.name}: CPU ${pct(
        r.cpuPercent,
      )} of one core, heap ${formatBytes(
        r.heapAfterGc,
      )} after gc at the end${split}`,
    );
  }
  const by =
    result.replicas.length > 1
      ? ` (${Object.entries(result.runsAnsweredBy)
          .map(([name, n]) => `${n} by ${name}`)
          .join(', ')})`
      : '';
  const unanswered = result.errors
    .filter(
      e =>
        e.route === 'Run' && (e.status === 'timeout' || e.status === 'network'),
    )
    .reduce((sum, e) => sum + e.count, 0);
  console.log(
    `runs: ${result.runsAnswered201} Runs answered 201${by}, ${unanswered} given up unanswered, ${result.jobsCreatedOnSandbox} Jobs created on the sandbox`,
  );
  if (result.proxyErrors && Object.keys(result.proxyErrors).length) {
    console.log(
      `proxy: answered 502 for ${Object.entries(result.proxyErrors)
        .map(([code, n]) => `${n} ${code}`)
        .join(', ')} from the replicas`,
    );
  }
  console.log(
    `apiserver: ${result.apiserver.perSecond.toFixed(2)} req/s (${formatVerbs(
      result.apiserver.byVerbPerSecond,
    )}), ${result.apiserver.watchesOpened} watches opened`,
  );
}
