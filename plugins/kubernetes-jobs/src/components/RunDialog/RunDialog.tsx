import DialogContentText from '@material-ui/core/DialogContentText';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useState } from 'react';
import { ResponseError } from '@backstage/errors';
import {
  JobDefinition,
  ParameterValue,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeSchedule } from '../../utils/format';
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
  /** Called with the values of the definition's parameters (empty when it declares none). */
  onConfirm: (parameters: Record<string, ParameterValue>) => void;
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
  const { values, problems } = valuesOf(declared, input);
  const backendProblem = refusedParameter(
    error,
    declared.map(p => p.name),
  );
  const fieldProblems = backendProblem
    ? { ...problems, [backendProblem.name]: backendProblem.problem }
    : problems;
  const failure = error && !backendProblem && describeError(error, 'run');
  const oneAtATimeBusy = !!hasActiveRun && !definition.allowParallelRuns;
  const refused = !!error && isRefusal(error);
  const unusable = !!definition.parametersError;

  const confirm = () => {
    setTried(true);
    if (Object.keys(problems).length === 0) {
      onConfirm(values);
    }
  };

  return (
    <ConfirmDialog
      open={open}
      id={`run-dialog-${definition.uid}`}
      title={`Run ${definition.name}?`}
      description={
        <>
          <DialogContentText>
            This starts a new run of <strong>{definition.name}</strong> on{' '}
            <strong>{definition.cluster}</strong>, now.
          </DialogContentText>
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
      confirmLabel="Run"
      pendingLabel="Starting…"
      onConfirm={confirm}
      onClose={onClose}
      pending={pending}
      refused={refused}
      confirmDisabled={oneAtATimeBusy || unusable}
    >
      {unusable && (
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
