import { ReactNode } from 'react';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import {
  DefinitionSort,
  RunState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { DefinitionFilters, LastRunFilter } from '../../utils/filters';
import { describeState } from '../../utils/words';

/**
 * Props of {@link DefinitionFiltersBar}.
 *
 * @public
 */
export interface DefinitionFiltersBarProps {
  clusters: string[];
  namespaces: string[];
  /** Owner entity refs. */
  owners: string[];
  value: DefinitionFilters;
  onChange: (value: DefinitionFilters) => void;
  /** How the list is sorted, when it offers a choice. */
  sort?: DefinitionSort;
  onSortChange?: (sort: DefinitionSort) => void;
}

const SORTS: Array<{ value: DefinitionSort; label: string }> = [
  { value: 'name', label: 'Name' },
  { value: 'lastRun', label: 'Last run, newest first' },
];

const RUN_STATES: RunState[] = [
  'Running',
  'Pending',
  'Succeeded',
  'Failed',
  'Killed',
];
const STATES: Array<{ value: LastRunFilter; label: string }> = [
  ...RUN_STATES.map(state => ({ value: state, label: describeState(state) })),
  { value: 'never', label: 'Never run' },
];

const ALL = '';

function FilterSelect(props: {
  id: string;
  label: string;
  value?: string;
  options: Array<{ value: string; label: ReactNode }>;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <TextField
      select
      id={`kubernetes-jobs-filter-${props.id}`}
      label={props.label}
      value={props.value ?? ALL}
      onChange={e => props.onChange(e.target.value || undefined)}
      variant="outlined"
      size="small"
      style={{ minWidth: 180 }}
      // Show "All" rather than an empty box when the filter is not set.
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      <MenuItem value={ALL}>All</MenuItem>
      {props.options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Whether any filter is set. */
export function hasFilters(value: DefinitionFilters): boolean {
  return Object.values(value).some(Boolean);
}

/**
 * Filters of the Jobs page: words to search for, cluster, namespace, state of the last run,
 * owner.
 *
 * @public
 */
export function DefinitionFiltersBar(props: DefinitionFiltersBarProps) {
  const { clusters, namespaces, owners, value, onChange } = props;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 16 }}
      role="search"
      aria-label="Filter Jobs"
    >
      <TextField
        id="kubernetes-jobs-filter-search"
        label="Search"
        type="search"
        value={value.search ?? ''}
        onChange={e =>
          onChange({ ...value, search: e.target.value || undefined })
        }
        variant="outlined"
        size="small"
        InputLabelProps={{ shrink: true }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <FilterSelect
        id="cluster"
        label="Cluster"
        value={value.cluster}
        options={clusters.map(c => ({ value: c, label: c }))}
        onChange={cluster => onChange({ ...value, cluster })}
      />
      <FilterSelect
        id="namespace"
        label="Namespace"
        value={value.namespace}
        options={namespaces.map(n => ({ value: n, label: n }))}
        onChange={namespace => onChange({ ...value, namespace })}
      />
      <FilterSelect
        id="state"
        label="Last run"
        value={value.state}
        options={STATES}
        onChange={state =>
          onChange({ ...value, state: state as LastRunFilter | undefined })
        }
      />
      <FilterSelect
        id="owner"
        label="Owner"
        value={value.owner}
        options={owners.map(o => ({
          value: o,
          label: (
            <EntityDisplayName
              entityRef={o}
              defaultKind="group"
              hideIcon
              disableTooltip
            />
          ),
        }))}
        onChange={owner => onChange({ ...value, owner })}
      />
      {props.onSortChange && (
        <TextField
          select
          id="kubernetes-jobs-sort"
          label="Sort by"
          value={props.sort ?? 'name'}
          onChange={e => props.onSortChange?.(e.target.value as DefinitionSort)}
          variant="outlined"
          size="small"
          style={{ minWidth: 180 }}
          InputLabelProps={{ shrink: true }}
        >
          {SORTS.map(o => (
            <MenuItem key={o.value} value={o.value}>
              {o.label}
            </MenuItem>
          ))}
        </TextField>
      )}
      {hasFilters(value) && (
        <Button onClick={() => onChange({})}>Clear filters</Button>
      )}
    </Box>
  );
}
