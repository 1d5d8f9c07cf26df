import { useParams } from 'react-router-dom';
import { WarningPanel } from '@backstage/core-components';
import { parseDefinitionKind } from '../../utils/paths';
import { DefinitionView } from '../DefinitionView/DefinitionView';

/** Props of {@link DefinitionRoute}. */
export interface DefinitionRouteProps {
  /** The entity the definition belongs to; absent when the link does not say. */
  entityRef?: string;
  /** Shows which entity the definition belongs to (on the global Jobs page). */
  showEntity?: boolean;
}

/**
 * The route `:cluster/:namespace/:kind/:name` of a definition: its view, or a warning when the
 * link is incomplete or names no kind of Job.
 */
export function DefinitionRoute(props: DefinitionRouteProps) {
  const { entityRef, showEntity } = props;
  const { cluster, namespace, kind, name } = useParams();
  const definitionKind = parseDefinitionKind(kind);
  if (!cluster || !namespace || !name || !definitionKind || !entityRef) {
    return (
      <WarningPanel
        title="This link does not name a Job"
        message="Go back to the list of Jobs and pick one there."
      />
    );
  }
  return (
    <DefinitionView
      definition={{ cluster, namespace, kind: definitionKind, name }}
      entityRef={entityRef}
      backLink=".."
      showEntity={showEntity}
    />
  );
}
