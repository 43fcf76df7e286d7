import { staleViewsExist } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { QueryError } from '../query-api.error';
import { ListViewsFilters } from './list-views.query';

/** Filters on columns whose meaning an upgrade's rules may change; a row of another version would answer them wrongly. */
const DERIVED_FILTERS = ['status', 'reportedStatus', 'disputed', 'level', 'q'] as const satisfies readonly (keyof ListViewsFilters)[];
/** While rows of another version remain, how long one answer to "are there any?" stands. */
const RECHECK_MS = 1000;

/**
 * Lists answer filters from stored columns. After an upgrade, until the projector's rebuild has
 * swapped in the new generation, rows written under the earlier release's rules still hold that
 * release's status, level and search columns: a filter on them would be a wrong answer, so it is
 * refused with 503 for those few moments. Items themselves are always replayed under the current
 * rules, so lists without such filters answer throughout. Once none remain, never asked again.
 */
export class ViewVersionsCheck {
  private current = false;
  private checked: { at: number; stale: Promise<boolean> } | undefined;

  constructor(private readonly db: DataSource) {}

  async assertAnswerable(filters: ListViewsFilters): Promise<void> {
    if (this.current) return;
    const used = DERIVED_FILTERS.filter((f) => filters[f] !== undefined);
    if (used.length === 0) return;
    if (!this.checked || Date.now() - this.checked.at > RECHECK_MS) this.checked = { at: Date.now(), stale: staleViewsExist(this.db) };
    if (!(await this.checked.stale)) {
      this.current = true;
      return;
    }
    throw new QueryError(
      'views_upgrading',
      `the views are being rebuilt under this release's rules, and the filter${used.length > 1 ? 's' : ''} ${used.join(', ')} would still read the earlier release's columns; try again in a few seconds, or list without ${used.length > 1 ? 'them' : 'it'} meanwhile (single views, history and explain answer throughout)`,
    );
  }
}
