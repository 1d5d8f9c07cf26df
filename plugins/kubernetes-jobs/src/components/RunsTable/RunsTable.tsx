import { ReactNode, useMemo, useRef } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeError } from '../../utils/errors';
import {
  formatDuration,
  formatRelativeTime,
  formatTimestamp,
} from '../../utils/format';
import { isActiveRun, runDurationSeconds } from '../../utils/runs';
import { Person, RunTrigger } from '../Person/Person';
import { RunOutcome } from '../RunOutcome/RunOutcome';

/**
 * Props of {@link RunsTable}.
 *
 * @public
 */
export interface RunsTableProps {
  runs: JobRun[];
  /** Name of the run whose details are shown below the table. */
  selectedRun?: string;
  /** Where a run's name links to (its events and logs). */
  getRunLink: (run: JobRun) => string;
  /** Loads older runs; the "Show older runs" button shows only when given. */
  onShowOlderRuns?: () => void;
  /** True while older runs are loading. */
  loadingOlderRuns?: boolean;
  /** Why older runs could not be loaded. */
  olderRunsError?: Error;
}

function OlderRuns(props: {
  onShowOlderRuns?: () => void;
  loading?: boolean;
  error?: Error;
}) {
  const { onShowOlderRuns, loading, error } = props;
  const description = error && describeError(error, 'history');
  return (
    <>
      {description && (
        <Box mt={1}>
          <Alert severity="error">
            {description.title}: {description.message}
          </Alert>
        </Box>
      )}
      {onShowOlderRuns && (
        <Box mt={1} display="flex" justifyContent="center">
          <Button
            variant="outlined"
            onClick={onShowOlderRuns}
            disabled={loading}
          >
            {loading ? 'Loading older runs…' : 'Show older runs'}
          </Button>
        </Box>
      )}
    </>
  );
}

function Time(props: { iso?: string }) {
  return props.iso ? (
    <span title={formatTimestamp(props.iso)}>
      {formatRelativeTime(props.iso)}
    </span>
  ) : null;
}

function Secondary(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="div">
      {props.children}
    </Typography>
  );
}

/**
 * The columns, built once: material-table resets its state (and warns) when it gets new column
 * functions at every render. What changes (the selected run, the link builder) is read through
 * a ref.
 */
function buildColumns(current: {
  current: Pick<RunsTableProps, 'getRunLink' | 'selectedRun'>;
}): TableColumn<JobRun>[] {
  return [
    {
      title: 'Run',
      field: 'name',
      highlight: true,
      render: run => (
        <>
          <Link
            to={current.current.getRunLink(run)}
            aria-current={
              run.name === current.current.selectedRun ? 'true' : undefined
            }
            style={{ whiteSpace: 'nowrap' }}
          >
            {run.name}
          </Link>
          {run.isDefinition && (
            <Secondary>ran when the Job was set up</Secondary>
          )}
        </>
      ),
    },
    {
      title: 'State',
      field: 'state',
      cellStyle: { minWidth: 160, maxWidth: 360 },
      render: run => <RunOutcome run={run} />,
    },
    {
      title: 'Started',
      field: 'startedAt',
      render: run => (
        <>
          <Time iso={run.startedAt ?? run.triggeredAt ?? run.createdAt} />
          <Secondary>
            <RunTrigger run={run} />
          </Secondary>
        </>
      ),
    },
    {
      title: 'Finished',
      field: 'finishedAt',
      render: run => (
        <>
          <Time iso={run.finishedAt ?? run.killedAt} />
          {run.killedBy && (
            <Secondary>
              stopped by <Person entityRef={run.killedBy} />
            </Secondary>
          )}
        </>
      ),
    },
    {
      title: 'Took',
      field: 'durationSeconds',
      render: run => {
        const duration = formatDuration(runDurationSeconds(run));
        return (
          <span style={{ whiteSpace: 'nowrap' }}>
            {isActiveRun(run) && duration ? `${duration} so far` : duration}
          </span>
        );
      },
    },
  ];
}

/**
 * The history of a definition: one row per run, newest first, and a button to load older runs.
 * It has no Stop buttons: a run is stopped from its details below the table, so a page never
 * shows two Stop buttons for the same run.
 *
 * @public
 */
export function RunsTable(props: RunsTableProps) {
  const { runs, selectedRun } = props;
  const theme = useTheme();
  const current = useRef(props);
  current.current = props;
  const columns = useMemo(() => buildColumns(current), []);
  const selectedColor = theme.palette.action.selected;
  const options = useMemo(
    () => ({
      // One scrolling list rather than pages of ten: older runs are appended at its
      // end, where the user who asked for them is looking, and the run's details stay
      // just below the table.
      paging: false,
      maxBodyHeight: 440,
      search: false,
      padding: 'dense' as const,
      rowStyle: (run: JobRun) =>
        run.name === selectedRun ? { backgroundColor: selectedColor } : {},
    }),
    [selectedRun, selectedColor],
  );

  return (
    <>
      <Table<JobRun>
        title="Runs"
        columns={columns}
        // Copies, since material-table writes into its rows; a stable `id` keeps each row
        // across refreshes.
        data={runs.map(run => ({ ...run, id: run.uid }))}
        options={options}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            This Job has not run yet.
          </Typography>
        }
      />
      <OlderRuns
        onShowOlderRuns={props.onShowOlderRuns}
        loading={props.loadingOlderRuns}
        error={props.olderRunsError}
      />
    </>
  );
}
