import { ReactNode } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
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
import { RunStatus } from '../RunStatus/RunStatus';

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
  /** The Kill button of an active run. */
  renderActions?: (run: JobRun) => ReactNode;
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

function Person(props: { entityRef?: string }) {
  return props.entityRef ? (
    <EntityRefLink entityRef={props.entityRef} defaultKind="user" hideIcon />
  ) : null;
}

/**
 * The history of a definition: one row per run, newest first, and a button to load older runs.
 *
 * @public
 */
export function RunsTable(props: RunsTableProps) {
  const { runs, selectedRun, getRunLink, renderActions } = props;
  const theme = useTheme();

  const columns: TableColumn<JobRun>[] = [
    {
      title: 'Run',
      field: 'name',
      highlight: true,
      render: run => (
        <>
          <Link
            to={getRunLink(run)}
            aria-current={run.name === selectedRun ? 'true' : undefined}
            style={{ whiteSpace: 'nowrap' }}
          >
            {run.name}
          </Link>
          {run.isDefinition && (
            <Typography variant="body2" color="textSecondary">
              the definition itself ran
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'State',
      field: 'state',
      render: run => (
        <>
          <RunStatus state={run.state} />
          {run.failure?.reason && (
            <Typography variant="body2" color="textSecondary">
              {run.failure.reason}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Started',
      field: 'startedAt',
      render: run => <Time iso={run.startedAt ?? run.createdAt} />,
    },
    {
      title: 'Finished',
      field: 'finishedAt',
      render: run => <Time iso={run.finishedAt ?? run.killedAt} />,
    },
    {
      title: 'Took',
      field: 'durationSeconds',
      render: run => {
        const duration = formatDuration(runDurationSeconds(run));
        return isActiveRun(run) && duration ? `${duration} so far` : duration;
      },
    },
    {
      title: 'Triggered by',
      field: 'triggeredBy',
      render: run => <Person entityRef={run.triggeredBy} />,
    },
    {
      title: 'Killed by',
      field: 'killedBy',
      render: run => <Person entityRef={run.killedBy} />,
    },
  ];
  if (renderActions) {
    columns.push({
      title: 'Actions',
      sorting: false,
      searchable: false,
      render: run => (isActiveRun(run) ? renderActions(run) : null),
    });
  }

  return (
    <>
      <Table<JobRun>
        title="Runs"
        columns={columns}
        // Copies, since material-table writes into its rows; a stable `id` keeps each row
        // (and an open Kill dialog) across refreshes.
        data={runs.map(run => ({ ...run, id: run.uid }))}
        options={{
          // One scrolling list rather than pages of ten: older runs are appended at its
          // end, where the user who asked for them is looking, and the run's details stay
          // just below the table.
          paging: false,
          maxBodyHeight: 440,
          search: false,
          padding: 'dense',
          rowStyle: (run: JobRun) =>
            run.name === selectedRun
              ? { backgroundColor: theme.palette.action.selected }
              : {},
        }}
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
