import { StatusWarning, Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { RunEvent } from '@job-assistant/plugin-kubernetes-jobs-common';
import { formatRelativeTime, formatTimestamp } from '../../utils/format';

/**
 * Props of {@link RunEventsTable}.
 *
 * @public
 */
export interface RunEventsTableProps {
  events: RunEvent[];
}

/** Defined once: material-table resets its state (and warns) when columns change each render. */
const COLUMNS: TableColumn<RunEvent>[] = [
  {
    title: 'Type',
    field: 'type',
    render: event =>
      event.type === 'Warning' ? (
        <StatusWarning>Warning</StatusWarning>
      ) : (
        event.type
      ),
  },
  { title: 'Reason', field: 'reason' },
  { title: 'Message', field: 'message', width: '50%' },
  {
    title: 'About',
    render: event =>
      [event.involvedObject.kind, event.involvedObject.name]
        .filter(Boolean)
        .join(' '),
  },
  { title: 'Count', field: 'count', type: 'numeric' },
  {
    title: 'Last seen',
    field: 'lastTimestamp',
    render: event => {
      const when = event.lastTimestamp ?? event.firstTimestamp;
      return when ? (
        <span title={formatTimestamp(when)}>{formatRelativeTime(when)}</span>
      ) : null;
    },
  },
];

/**
 * A stable id for an event, so material-table keeps its rows across refreshes. Events have no
 * id in the API; what they are about, why and since when tells them apart.
 */
function eventId(event: RunEvent, index: number): string {
  return [
    event.involvedObject.kind,
    event.involvedObject.name,
    event.reason,
    event.firstTimestamp ?? event.lastTimestamp ?? index,
  ].join('/');
}

/**
 * What Kubernetes said about a run and its pods: scheduling, image pulls, failures.
 *
 * @public
 */
export function RunEventsTable(props: RunEventsTableProps) {
  const { events } = props;
  const seen = new Set<string>();
  const data = events.map((event, index) => {
    let id = eventId(event, index);
    if (seen.has(id)) id = `${id}#${index}`;
    seen.add(id);
    return { ...event, id };
  });
  return (
    <Table<RunEvent>
      columns={COLUMNS}
      data={data}
      options={{
        paging: events.length > 20,
        pageSize: 20,
        search: false,
        toolbar: false,
        padding: 'dense',
      }}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          Kubernetes reported no events for this run. Events are kept for about
          an hour.
        </Typography>
      }
    />
  );
}
