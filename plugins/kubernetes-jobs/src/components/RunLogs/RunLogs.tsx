import { useState } from 'react';
import { LogViewer, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { JobRun, RunPod } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useRunLogs } from '../../hooks/useRunLogs';
import { useRunPods } from '../../hooks/useRunPods';
import { isActiveRun } from '../../utils/runs';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';

/**
 * Props of {@link RunLogs}.
 *
 * @public
 */
export interface RunLogsProps {
  run: JobRun;
  entityRef: string;
}

function newestPod(pods: RunPod[]): RunPod | undefined {
  return [...pods].sort((a, b) =>
    (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  )[0];
}

/**
 * The logs of a run: choose the pod and container, follow while it runs, copy them.
 * Render it with `key={run.name}` so that choosing another run resets the choices.
 *
 * @public
 */
export function RunLogs(props: RunLogsProps) {
  const { run, entityRef } = props;
  const alertApi = useApi(alertApiRef);
  const pods = useRunPods(run, entityRef);
  const [podName, setPodName] = useState<string>();
  const [containerName, setContainerName] = useState<string>();
  const [follow, setFollow] = useState(true);
  const active = isActiveRun(run);

  // Default to the newest pod (a retried Job has several) and its first container,
  // and keep the user's choice while it still exists.
  const podList = pods.value ?? [];
  const pod = podList.find(p => p.name === podName) ?? newestPod(podList);
  const container =
    pod?.containers.find(c => c === containerName) ?? pod?.containers[0];

  const logs = useRunLogs(run, entityRef, {
    pod: pod?.name,
    container,
    follow,
  });

  if (pods.error) {
    return <JobsErrorPanel error={pods.error} />;
  }
  if (!pods.value) {
    return <Progress />;
  }
  if (podList.length === 0) {
    return (
      <Typography>
        {active
          ? 'This run has no pod yet: Kubernetes is still scheduling it.'
          : 'The pods of this run are gone, and their logs with them: Kubernetes keeps logs only while the pods exist.'}
      </Typography>
    );
  }

  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(logs.value?.text ?? '');
      alertApi.post({
        message: 'Logs copied to the clipboard',
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Could not copy the logs: ${(e as Error).message}`,
        severity: 'error',
      });
    }
  };

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
      >
        <TextField
          select
          id="kubernetes-jobs-logs-pod"
          label="Pod"
          value={pod?.name ?? ''}
          onChange={e => setPodName(e.target.value)}
          variant="outlined"
          size="small"
          style={{ minWidth: 280 }}
        >
          {podList.map(p => (
            <MenuItem key={p.name} value={p.name}>
              {p.name}
              {p.phase ? ` (${p.phase})` : ''}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          id="kubernetes-jobs-logs-container"
          label="Container"
          value={container ?? ''}
          onChange={e => setContainerName(e.target.value)}
          variant="outlined"
          size="small"
          style={{ minWidth: 180 }}
        >
          {(pod?.containers ?? []).map(c => (
            <MenuItem key={c} value={c}>
              {c}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Switch
              checked={follow && active}
              onChange={e => setFollow(e.target.checked)}
              disabled={!active}
              color="primary"
            />
          }
          label={active ? 'Follow' : 'Follow (the run has finished)'}
        />
        <Tooltip title="Refresh logs">
          <span>
            <IconButton
              aria-label="Refresh logs"
              onClick={logs.retry}
              disabled={logs.loading}
            >
              <RefreshIcon />
            </IconButton>
          </span>
        </Tooltip>
      </Box>
      {logs.error && <JobsErrorPanel error={logs.error} />}
      {!logs.value && !logs.error && <Progress />}
      {logs.value && (
        <Box
          height={480}
          aria-label={`Logs of container ${container}`}
          role="region"
        >
          <LogViewer
            text={
              logs.value.text ||
              (logs.value.waiting
                ? `(the container has not started yet: ${logs.value.waiting})`
                : '(no output yet)')
            }
            onCopyLog={copy}
          />
        </Box>
      )}
    </Box>
  );
}
