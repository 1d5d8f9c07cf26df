import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import {
  DefinitionStats,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDuration } from '../../utils/format';
import {
  describeRecentRuns,
  hasHistoryToDraw,
  outcomeOf,
  recentRuns,
  RunOutcomeKind,
  runStartTime,
  weeklySuccessRates,
} from '../../utils/runHistory';
import { runDurationSeconds } from '../../utils/runs';
import { ChartFrame } from './ChartFrame';
import { LegendItem } from './LegendItem';
import { BarPlace, RunBar, RunDatum, RunWords } from './RunBar';
import { WeeklySuccessChart } from './WeeklySuccessChart';

let nextId = 0;

const OUTCOME_WORDS: Record<RunOutcomeKind, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  stopped: 'Stopped',
  active: 'Still running',
};

/** The outcome colours of the runs table's status icons, from the theme (light or dark). */
function outcomeColors(theme: Theme): Record<RunOutcomeKind, string> {
  const { status } = theme.palette;
  return {
    succeeded: status?.ok ?? theme.palette.success.main,
    failed: status?.error ?? theme.palette.error.main,
    stopped: status?.aborted ?? theme.palette.text.secondary,
    active: status?.running ?? theme.palette.info.main,
  };
}

/**
 * Props of {@link RunHistoryChart}.
 *
 * @public
 */
export interface RunHistoryChartProps {
  /** The runs loaded, newest first (as the runs table lists them). */
  runs: JobRun[];
  stats: DefinitionStats;
  /** Where a run opens: the same link as the runs table's. */
  getRunLink: (run: JobRun) => string;
  /** Name of the run shown in detail, marked in the picture. */
  selectedRun?: string;
  /** True when the definition has older runs than those given. */
  hasOlderRuns?: boolean;
}

/**
 * A definition's history as a picture: a bar per recent run, oldest on the left, as tall as the
 * run took and coloured by how it ended (hatched when the schedule started it), with the usual
 * duration as a dashed line; and the success rate week by week. Hovering or focusing a bar
 * tells about the run, a click or Enter opens it. The caption says the same in words. Shows
 * nothing until a run has finished.
 *
 * @public
 */
export function RunHistoryChart(props: RunHistoryChartProps) {
  const { runs, stats, getRunLink, selectedRun, hasOlderRuns } = props;
  const theme = useTheme();
  const navigate = useNavigate();
  const [id] = useState(() => `run-history-${++nextId}`);
  const [shown, setShown] = useState<BarPlace>();

  if (!hasHistoryToDraw(runs)) {
    return null;
  }
  const recent = recentRuns(runs);

  const colors = outcomeColors(theme);
  const hatch = (kind: RunOutcomeKind) => `url(#${id}-hatch-${kind})`;
  const data: RunDatum[] = recent.map((run, index) => {
    const kind = outcomeOf(run);
    return {
      index,
      run,
      seconds: runDurationSeconds(run) ?? 0,
      color: colors[kind],
      fill: run.trigger === 'schedule' ? hatch(kind) : colors[kind],
    };
  });
  const kinds = (Object.keys(OUTCOME_WORDS) as RunOutcomeKind[]).filter(kind =>
    recent.some(run => outcomeOf(run) === kind),
  );
  const scheduled = recent.some(run => run.trigger === 'schedule');
  const byPeople = recent.some(run => run.trigger !== 'schedule');
  const typical = stats.typicalDurationSeconds;

  const oldest = runs[runs.length - 1];
  const weeks = weeklySuccessRates(runs, {
    loadedSince: hasOlderRuns
      ? Date.parse(runStartTime(oldest) ?? '') || undefined
      : undefined,
  });
  const showWeeks =
    weeks.length >= 2 && weeks.some(week => week.rate !== undefined);

  const open = (run: JobRun) => navigate(getRunLink(run));
  const shownDatum = shown && data[shown.index];
  const onLeftHalf = shown ? shown.index < data.length / 2 : true;
  const axisText = { fill: theme.palette.text.secondary, fontSize: 12 };
  const neutral = theme.palette.text.secondary;

  return (
    <InfoCard title="Recent runs">
      <Grid container spacing={3}>
        <Grid item xs={12} md={showWeeks ? 8 : 12}>
          <Box component="figure" m={0} aria-labelledby={`${id}-caption`}>
            <Typography
              id={`${id}-caption`}
              component="figcaption"
              variant="subtitle2"
              gutterBottom
            >
              {describeRecentRuns(recent, stats)}
            </Typography>
            <Box position="relative">
              <ChartFrame height={220}>
                {size => (
                  <BarChart
                    {...size}
                    data={data}
                    margin={{ top: 16, right: 16, bottom: 0, left: 0 }}
                    barCategoryGap="20%"
                  >
                    <defs>
                      {kinds.map(kind => (
                        <pattern
                          key={kind}
                          id={`${id}-hatch-${kind}`}
                          patternUnits="userSpaceOnUse"
                          width={6}
                          height={6}
                          patternTransform="rotate(45)"
                        >
                          <rect
                            width={6}
                            height={6}
                            fill={colors[kind]}
                            fillOpacity={0.15}
                          />
                          <line
                            x1={0}
                            y1={0}
                            x2={0}
                            y2={6}
                            stroke={colors[kind]}
                            strokeWidth={3}
                          />
                        </pattern>
                      ))}
                    </defs>
                    <CartesianGrid
                      stroke={theme.palette.divider}
                      strokeDasharray="3 3"
                      vertical={false}
                    />
                    <XAxis
                      dataKey="index"
                      tickFormatter={(index: number) =>
                        new Date(
                          runStartTime(data[index]?.run) ?? '',
                        ).toLocaleDateString('en-GB', {
                          day: 'numeric',
                          month: 'short',
                        })
                      }
                      interval="preserveStartEnd"
                      minTickGap={24}
                      tick={axisText}
                      stroke={theme.palette.divider}
                    />
                    <YAxis
                      tickFormatter={(seconds: number) =>
                        formatDuration(seconds)
                      }
                      tick={axisText}
                      stroke={theme.palette.divider}
                      width={64}
                    />
                    <Bar
                      dataKey="seconds"
                      minPointSize={3}
                      isAnimationActive={false}
                      shape={
                        <RunBar
                          onOpen={open}
                          onShow={setShown}
                          selectedRun={selectedRun}
                          slowAfterSeconds={stats.slowAfterSeconds}
                        />
                      }
                    />
                    {typical !== undefined && (
                      <ReferenceLine
                        y={typical}
                        ifOverflow="extendDomain"
                        stroke={neutral}
                        strokeDasharray="4 3"
                        strokeWidth={1.5}
                      />
                    )}
                  </BarChart>
                )}
              </ChartFrame>
              {shown && shownDatum && (
                <Paper
                  elevation={4}
                  role="tooltip"
                  style={{
                    position: 'absolute',
                    top: 8,
                    left: onLeftHalf ? shown.x + shown.width + 8 : shown.x - 8,
                    transform: onLeftHalf ? undefined : 'translateX(-100%)',
                    padding: theme.spacing(1, 1.5),
                    pointerEvents: 'none',
                    maxWidth: 280,
                    zIndex: 1,
                  }}
                >
                  <RunWords
                    run={shownDatum.run}
                    slowAfterSeconds={stats.slowAfterSeconds}
                  >
                    {lines =>
                      lines.map((line, i) => (
                        <Typography
                          key={i}
                          variant="body2"
                          style={i === 0 ? { fontWeight: 600 } : undefined}
                        >
                          {line}
                        </Typography>
                      ))
                    }
                  </RunWords>
                  <Typography variant="caption" color="textSecondary">
                    Click to open this run.
                  </Typography>
                </Paper>
              )}
            </Box>
            <Box
              component="ul"
              aria-label="Legend"
              display="flex"
              flexWrap="wrap"
              p={0}
              m={0}
              mt={1}
              style={{ gap: 16, listStyle: 'none' }}
            >
              {kinds.map(kind => (
                <LegendItem key={kind} color={colors[kind]}>
                  {OUTCOME_WORDS[kind]}
                </LegendItem>
              ))}
              {scheduled && byPeople && (
                <LegendItem color={neutral}>
                  Filled: started by someone
                </LegendItem>
              )}
              {scheduled && (
                <LegendItem color={neutral} look="hatched">
                  Hatched: started by the schedule
                </LegendItem>
              )}
              {typical !== undefined && (
                <LegendItem color={neutral} look="line">
                  {`Usual duration: ${formatDuration(typical)}`}
                </LegendItem>
              )}
            </Box>
          </Box>
        </Grid>
        {showWeeks && (
          <Grid item xs={12} md={4}>
            <WeeklySuccessChart weeks={weeks} />
          </Grid>
        )}
      </Grid>
    </InfoCard>
  );
}
