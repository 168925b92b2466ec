/** Reference data most forms need, loaded once per page. */
import { api, call } from '../api/client';
import type { Category, Fonds, Organisation, Vocabularies } from '../api/types';

export interface Reference {
  fonds: Fonds[];
  categories: Category[];
  organisations: Organisation[];
  vocabularies: Vocabularies;
}

export async function loadReference(): Promise<Reference> {
  const [fonds, categories, organisations, vocabularies] = await Promise.all([
    call(api.GET('/api/v1/fonds')),
    call(api.GET('/api/v1/categories')),
    call(api.GET('/api/v1/organisations')),
    call(api.GET('/api/v1/vocabularies')),
  ]);
  return {
    fonds: fonds.items,
    categories: categories.items,
    organisations: organisations.items,
    vocabularies,
  };
}
