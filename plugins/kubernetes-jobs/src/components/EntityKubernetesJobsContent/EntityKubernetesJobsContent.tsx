import { Route, Routes } from 'react-router-dom';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ENTITY_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';
import { isKubernetesJobsAvailable } from '../../isKubernetesJobsAvailable';
import { DefinitionRoute } from '../DefinitionRoute/DefinitionRoute';
import { EntityDefinitionsList } from '../EntityDefinitionsList/EntityDefinitionsList';

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
        element={<DefinitionRoute entityRef={entityRef} />}
      />
    </Routes>
  );
}
