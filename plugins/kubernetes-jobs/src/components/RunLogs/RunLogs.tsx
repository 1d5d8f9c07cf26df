import { useState } from 'react';
import { LogViewer, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
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
import { formatTimestamp } from '../../utils/format';
import { isActiveRun } from '../../utils/runs';
import { describeAttemptPhase, describeWaiting } from '../../utils/words';
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

/** The pods of a run in the order they started: attempt 1, 2, … */
function byStart(pods: RunPod[]): RunPod[] {
  return [...pods].sort((a, b) =>
    (a.createdAt ?? '').localeCompare(b.createdAt ?? ''),
  );
}

function SavedLabel(props: { savedAt: string }) {
  return (
    <Typography variant="body2" color="textSecondary" role="note">
      Saved when the run ended ({formatTimestamp(props.savedAt)})
    </Typography>
  );
}

/**
 * The logs of a run: choose the attempt (pod) and container, follow while it runs, copy them.
 * Once Kubernetes deleted the pods, the backend serves the logs saved when the run ended, and
 * they are labelled so. Render it with `key={run.name}` so that choosing another run resets
 * the choices.
 *
 * @public
 */
export function RunLogs(props: RunLogsProps) {
  const { run, entityRef } = props;
  const toastApi = useApi(toastApiRef);
  const pods = useRunPods(run, entityRef);
  const [podName, setPodName] = useState<string>();
  const [containerName, setContainerName] = useState<string>();
  const [follow, setFollow] = useState(true);
  const active = isActiveRun(run);

  // Default to the newest pod (a retried Job has several) and its first container,
  // and keep the user's choice while it still exists.
  const podList = byStart(pods.value?.items ?? []);
  const pod =
    podList.find(p => p.name === podName) ?? podList[podList.length - 1];
  const container =
    pod?.containers.find(c => c === containerName) ?? pod?.containers[0];

  const logs = useRunLogs(run, entityRef, {
    pod: pod?.name,
    container,
    follow,
  });

  if (pods.error && !pods.value) {
    return <JobsErrorPanel error={pods.error} />;
  }
  if (!pods.value) {
    return <Progress />;
  }
  const savedAt = logs.value?.savedAt ?? pods.value.savedAt;
  if (podList.length === 0) {
    if (active) {
      return <Typography>This run has not started yet.</Typography>;
    }
    return savedAt ? (
      <>
        <SavedLabel savedAt={savedAt} />
        <Typography>This run left no logs.</Typography>
      </>
    ) : (
      <Typography>
        The logs of this run are no longer available: Kubernetes deletes them
        some time after a run ends, and none were saved for this one.
      </Typography>
    );
  }

  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(logs.value?.text ?? '');
      toastApi.post({
        title: 'Logs copied to the clipboard',
        status: 'success',
        timeout: 5000,
      });
    } catch (e) {
      toastApi.post({
        title: 'Could not copy the logs',
        description: (e as Error).message,
        status: 'danger',
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
        {podList.length > 1 && (
          <TextField
            select
            id="kubernetes-jobs-logs-attempt"
            label="Attempt"
            value={pod?.name ?? ''}
            onChange={e => setPodName(e.target.value)}
            variant="outlined"
            size="small"
            style={{ minWidth: 220 }}
          >
            {podList.map((p, i) => {
              const phase = describeAttemptPhase(p.phase, active);
              return (
                <MenuItem key={p.name} value={p.name} title={p.name}>
                  Attempt {i + 1}
                  {phase ? ` (${phase})` : ''}
                </MenuItem>
              );
            })}
          </TextField>
        )}
        {(pod?.containers.length ?? 0) > 1 && (
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
        )}
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
      {savedAt && <SavedLabel savedAt={savedAt} />}
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
                ? `(not started yet: ${describeWaiting(logs.value.waiting)})`
                : '(no output yet)')
            }
            onCopyLog={copy}
          />
        </Box>
      )}
    </Box>
  );
}
