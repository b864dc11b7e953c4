/**
 * A cluster's schemas for manifest authoring: its `/openapi/v3` index, then each group-version
 * document (built-in kinds and served CRD versions alike), turned into one schema layer. Fetched
 * through the lazily loaded client (KubeClusterAccess.getJson), never at activation.
 */
import { layerFromOpenApi, openApiDocumentUrls } from '../../core/schema/openApi';
import type { SchemaLayer } from '../../core/schema/layers';
import { mapLimit } from '../../core/concurrency';

export type GetJson = (cluster: string, apiPath: string) => Promise<unknown>;

/** Group-version documents fetched at once: a cluster with many CRDs publishes a hundred or more. */
const CONCURRENCY = 6;

export async function fetchClusterLayer(getJson: GetJson, cluster: string, prefix: string): Promise<SchemaLayer> {
  const urls = openApiDocumentUrls(await getJson(cluster, '/openapi/v3'));
  const documents = await mapLimit(urls, CONCURRENCY, (url) => getJson(cluster, url));
  return layerFromOpenApi(documents, { prefix, label: `cluster ${cluster}` });
}
