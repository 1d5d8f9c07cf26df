import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { DefinitionFilters, LastRunFilter } from '../../utils/filters';
import { shortEntityName } from '../../utils/format';

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
}

const STATES: Array<{ value: LastRunFilter; label: string }> = [
  { value: 'Running', label: 'Running' },
  { value: 'Pending', label: 'Pending' },
  { value: 'Succeeded', label: 'Succeeded' },
  { value: 'Failed', label: 'Failed' },
  { value: 'Killed', label: 'Killed' },
  { value: 'never', label: 'Never run' },
];

const ALL = '';

function FilterSelect(props: {
  id: string;
  label: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
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

/**
 * Filters of the Jobs page: cluster, namespace, state of the last run, owner.
 *
 * @public
 */
export function DefinitionFiltersBar(props: DefinitionFiltersBarProps) {
  const { clusters, namespaces, owners, value, onChange } = props;
  const anySet = Object.values(value).some(Boolean);
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 16 }}
      role="search"
      aria-label="Filter Jobs"
    >
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
        options={owners.map(o => ({ value: o, label: shortEntityName(o) }))}
        onChange={owner => onChange({ ...value, owner })}
      />
      {anySet && <Button onClick={() => onChange({})}>Clear filters</Button>}
    </Box>
  );
}
