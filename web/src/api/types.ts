/** Named shapes of the API replies, taken from the generated paths (the schemas are inline there). */
import type { paths } from './schema';

type Ok<T> = T extends { responses: { 200: { content: { 'application/json': infer B } } } }
  ? B
  : T extends { responses: { 201: { content: { 'application/json': infer B } } } }
    ? B
    : never;

export type RecordView = Ok<paths['/api/v1/records/{id}']['get']>;
export type ComponentView = NonNullable<RecordView['components']>[number];
export type RecordList = Ok<paths['/api/v1/records']['get']>;
export type SearchResult = Ok<paths['/api/v1/search']['get']>;
export type SearchHit = SearchResult['hits'][number];
export type SearchQuery = NonNullable<paths['/api/v1/search']['get']['parameters']['query']>;
export type RelatedView = Ok<paths['/api/v1/records/{id}/related']['get']>;
export type SystemStatus = Ok<paths['/api/v1/system/status']['get']>;
export type PublicUser = Ok<paths['/api/v1/users']['get']>['items'][number];
export type Organisation = Ok<paths['/api/v1/organisations']['get']>['items'][number];
export type Fonds = Ok<paths['/api/v1/fonds']['get']>['items'][number];
export type Category = Ok<paths['/api/v1/categories']['get']>['items'][number];
export type Vocabularies = Ok<paths['/api/v1/vocabularies']['get']>;
export type RecordPatch =
  paths['/api/v1/records/{id}']['patch']['requestBody']['content']['application/json'];
export type SuggestionView = Ok<paths['/api/v1/records/{id}/suggestions']['get']>;
export type ModelVersion = Ok<paths['/api/v1/classify/models']['get']>[number];
export type AuditEvent = Ok<paths['/api/v1/audit']['get']>['items'][number];
export type KeyStatus = Ok<paths['/api/v1/keys']['get']>;
export type Share = Ok<paths['/api/v1/shares']['get']>['items'][number];
export type SessionView = Ok<paths['/api/v1/auth/sessions']['get']>['items'][number];
