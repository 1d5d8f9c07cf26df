import DialogContentText from '@material-ui/core/DialogContentText';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useState } from 'react';
import { ResponseError } from '@backstage/errors';
import {
  JobDefinition,
  ParameterValue,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  describeSchedule,
  describeWhen,
  formatShortDateTime,
  localInputToIso,
  toLocalInputValue,
  userTimeZone,
} from '../../utils/format';
import { describeError, isRefusal } from '../../utils/errors';
import { ActionFailureAlert } from '../ActionFailureAlert/ActionFailureAlert';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { DefinitionTechnicalFacts } from '../DefinitionView/DefinitionTechnicalFacts';
import {
  ParametersForm,
  initialInput,
  valuesOf,
} from '../ParametersForm/ParametersForm';
import { TechnicalDetails } from '../TechnicalDetails/TechnicalDetails';
import { ApprovalNeeded } from '../RunRequestWords/RunRequestWords';

/**
 * Props of {@link RunDialog}.
 *
 * @public
 */
export interface RunDialogProps {
  open: boolean;
  definition: JobDefinition;
  /** True when the definition already has an active run. */
  hasActiveRun?: boolean;
  /** True while the run is being started. */
  pending?: boolean;
  /** Why the last attempt failed, as the backend said it. */
  error?: Error;
  /** Values to start from instead of the defaults: a past run's, for "Run again". */
  initialValues?: Record<string, ParameterValue>;
  /**
   * Called with the values of the definition's parameters (empty when it declares none), and,
   * when the user chose "At…", the time (ISO 8601 with the user's offset).
   */
  onConfirm: (parameters: Record<string, ParameterValue>, at?: string) => void;
  onClose: () => void;
  /** Called when a value is changed, so an earlier refusal can be forgotten. */
  onEdit?: () => void;
}

/**
 * The backend refuses a value as `parameters.NAME: why` (400): that answer belongs next to the
 * field, not in a banner.
 */
function refusedParameter(
  error: Error | undefined,
  names: string[],
): { name: string; problem: string } | undefined {
  if (!error || !ResponseError.is(error) || error.statusCode !== 400) {
    return undefined;
  }
  const match = /^parameters\.([^:]+): (.+)$/s.exec(error.cause.message ?? '');
  if (!match || !names.includes(match[1])) {
    return undefined;
  }
  const problem = match[2];
  return {
    name: match[1],
    problem: problem.charAt(0).toUpperCase() + problem.slice(1),
  };
}

/**
 * The backend refuses a time as `at: … is in the past` or `at: … is more than N days ahead;
 * runs can be asked for up to <ISO>` (400): said next to the field, in the user's time.
 */
function refusedTime(error: Error | undefined): string | undefined {
  if (!error || !ResponseError.is(error) || error.statusCode !== 400) {
    return undefined;
  }
  const message = error.cause.message ?? '';
  if (!message.startsWith('at: ')) {
    return undefined;
  }
  if (message.includes('in the past')) {
    return 'This time has passed: choose a later one';
  }
  const limit = /up to (\S+)$/.exec(message)?.[1];
  return limit
    ? `This is too far ahead: choose a time before ${formatShortDateTime(
        limit,
      )}`
    : 'Choose another time';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The first "At…" offered: the next full hour after the coming one. */
function defaultTime(now: number): string {
  const next = new Date(now + 60 * 60 * 1000);
  next.setMinutes(0, 0, 0);
  return toLocalInputValue(next.getTime());
}

/**
 * Asks for confirmation before starting a run, saying what will run where. When the backend
 * refuses (a run already active, not allowed), it says so and Run stays disabled: pressing it
 * again would only be refused again.
 *
 * @public
 */
export function RunDialog(props: RunDialogProps) {
  const { open, definition, hasActiveRun, pending, error, onConfirm, onClose } =
    props;
  const declared = definition.parameters ?? [];
  const [input, setInput] = useState(() =>
    initialInput(declared, props.initialValues),
  );
  const [tried, setTried] = useState(false);
  const [when, setWhen] = useState<'now' | 'at'>('now');
  const [atInput, setAtInput] = useState(() => defaultTime(Date.now()));
  const at = when === 'at' ? localInputToIso(atInput) : undefined;
  const timeProblem =
    when !== 'at'
      ? undefined
      : (!at && 'Choose a date and a time') ||
        (at && Date.parse(at) <= Date.now() && 'Choose a time in the future') ||
        refusedTime(error);
  // A problem of the time shows once Run was pressed, or when the backend said it.
  const shownTimeProblem =
    tried || refusedTime(error) ? timeProblem : undefined;
  const timeNote =
    shownTimeProblem ||
    (at && !timeProblem ? capitalize(describeWhen(at)) : undefined);
  const { values, problems } = valuesOf(declared, input);
  const backendProblem = refusedParameter(
    error,
    declared.map(p => p.name),
  );
  const fieldProblems = backendProblem
    ? { ...problems, [backendProblem.name]: backendProblem.problem }
    : problems;
  const approval = definition.approval;
  // Asked for, rather than started: it waits for its time or its approvals.
  const asking = !!approval || when === 'at';
  const failure =
    error &&
    !backendProblem &&
    !refusedTime(error) &&
    describeError(error, asking ? 'request' : 'run');
  // A run that starts later does not meet the run active now.
  const oneAtATimeBusy =
    !asking && !!hasActiveRun && !definition.allowParallelRuns;
  const refused = !!error && isRefusal(error);
  const unusable = !!definition.parametersError || !!definition.approvalError;

  const confirm = () => {
    setTried(true);
    if (Object.keys(problems).length === 0 && !timeProblem) {
      if (at) {
        onConfirm(values, at);
      } else {
        onConfirm(values);
      }
    }
  };

  return (
    <ConfirmDialog
      open={open}
      id={`run-dialog-${definition.uid}`}
      title={
        approval
          ? `Ask for a run of ${definition.name}?`
          : `Run ${definition.name}?`
      }
      description={
        <>
          {approval ? (
            <DialogContentText>
              <strong>{definition.name}</strong> on{' '}
              <strong>{definition.cluster}</strong> runs only once someone else
              approves: <ApprovalNeeded approval={approval} />. This asks for a
              run; it starts by itself once approved
              {when === 'at' ? ', at the time you choose' : ''}.
            </DialogContentText>
          ) : (
            <DialogContentText>
              This starts a new run of <strong>{definition.name}</strong> on{' '}
              <strong>{definition.cluster}</strong>
              {when === 'at' ? ', at the time you choose' : ', now'}.
            </DialogContentText>
          )}
          {definition.description && (
            <DialogContentText>{definition.description}</DialogContentText>
          )}
          {definition.kind === 'CronJob' && definition.schedule && (
            <DialogContentText>
              This run comes in addition to its schedule (
              {describeSchedule(definition.schedule, definition.timeZone)}),
              which does not change.
            </DialogContentText>
          )}
          <DialogContentText>
            You can follow the run on this page and stop it at any time.
          </DialogContentText>
        </>
      }
      confirmLabel={
        (approval && 'Ask for a run') ||
        (when === 'at' && 'Run at this time') ||
        'Run'
      }
      pendingLabel={asking ? 'Asking…' : 'Starting…'}
      onConfirm={confirm}
      onClose={onClose}
      pending={pending}
      refused={refused}
      confirmDisabled={oneAtATimeBusy || unusable}
    >
      {definition.approvalError && (
        <Alert severity="warning" role="alert">
          <AlertTitle>This Job cannot be run for now</AlertTitle>
          Who must approve its runs is written wrongly. Ask its owners to fix
          it.
          <TechnicalDetails about="of the problem">
            {definition.approvalError}
          </TechnicalDetails>
        </Alert>
      )}
      {definition.parametersError && (
        <Alert severity="warning" role="alert">
          <AlertTitle>This Job cannot be run for now</AlertTitle>
          The choices it asks for are written wrongly, so the portal cannot
          offer them. Ask its owners to fix them.
          <TechnicalDetails about="of the problem">
            {definition.parametersError}
          </TechnicalDetails>
        </Alert>
      )}
      {!unusable && declared.length > 0 && (
        <form
          aria-label="Choices for this run"
          noValidate
          onSubmit={e => {
            e.preventDefault();
            confirm();
          }}
        >
          <ParametersForm
            parameters={declared}
            input={input}
            onChange={next => {
              setInput(next);
              props.onEdit?.();
            }}
            problems={fieldProblems}
            showProblems={tried || !!backendProblem}
            disabled={pending}
          />
        </form>
      )}
      {!unusable && (
        <FormControl component="fieldset" margin="dense" fullWidth>
          <FormLabel component="legend">When</FormLabel>
          <RadioGroup
            row
            name="when"
            value={when}
            onChange={e => {
              setWhen(e.target.value === 'at' ? 'at' : 'now');
              props.onEdit?.();
            }}
          >
            <FormControlLabel
              value="now"
              control={<Radio color="primary" />}
              label={approval ? 'As soon as approved' : 'Now'}
              disabled={pending}
            />
            <FormControlLabel
              value="at"
              control={<Radio color="primary" />}
              label="At…"
              disabled={pending}
            />
          </RadioGroup>
          {when === 'at' && (
            <TextField
              id={`run-dialog-${definition.uid}-at`}
              type="datetime-local"
              label="Date and time"
              value={atInput}
              onChange={e => {
                setAtInput(e.target.value);
                props.onEdit?.();
              }}
              disabled={pending}
              error={!!shownTimeProblem}
              helperText={
                timeNote
                  ? `${timeNote}. Time zone: ${userTimeZone()}`
                  : `Time zone: ${userTimeZone()}`
              }
              InputLabelProps={{ shrink: true }}
              inputProps={{ step: 60 }}
            />
          )}
        </FormControl>
      )}
      {oneAtATimeBusy && !failure && (
        <Alert severity="info" role="status">
          A run of this Job is already in progress, and it runs one at a time:
          wait for it to finish or stop it first.
        </Alert>
      )}
      {failure && <ActionFailureAlert failure={failure} />}
      <TechnicalDetails about="of this Job">
        <DefinitionTechnicalFacts definition={definition} />
      </TechnicalDetails>
    </ConfirmDialog>
  );
}
