import { Route, Routes, useParams } from 'react-router-dom';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { WarningPanel } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ENTITY_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';
import { isKubernetesJobsAvailable } from '../../isKubernetesJobsAvailable';
import { parseDefinitionKind } from '../../utils/paths';
import { DefinitionView } from '../DefinitionView/DefinitionView';
import { EntityDefinitionsList } from '../EntityDefinitionsList/EntityDefinitionsList';

function EntityDefinitionRoute(props: { entityRef: string }) {
  const { cluster, namespace, kind, name } = useParams();
  const definitionKind = parseDefinitionKind(kind);
  if (!cluster || !namespace || !name || !definitionKind) {
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
      entityRef={props.entityRef}
      backLink=".."
    />
  );
}

/**
 * The Jobs tab of a catalog entity: its runnable Jobs, their runs, events and logs.
 *
 * @remarks
 * Shows how to set the entity up when it lacks the Kubernetes annotations.
 *
 * @public
 */
export function EntityKubernetesJobsContent() {
  const { entity } = useEntity();
  if (!isKubernetesJobsAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          ENTITY_ANNOTATIONS.kubernetesId,
          ENTITY_ANNOTATIONS.labelSelector,
        ]}
        readMoreUrl="https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity"
      />
    );
  }
  const entityRef = stringifyEntityRef(entity);
  return (
    <Routes>
      <Route
        path="/"
        element={<EntityDefinitionsList entityRef={entityRef} />}
      />
      <Route
        path="/:cluster/:namespace/:kind/:name"
        element={<EntityDefinitionRoute entityRef={entityRef} />}
      />
    </Routes>
  );
}
