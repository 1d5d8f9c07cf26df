import { KeyboardEvent, ReactNode, useState } from 'react';
import { useTheme } from '@material-ui/core/styles';
import { useEntityPresentation } from '@backstage/plugin-catalog-react';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeChartRun } from '../../utils/runHistory';

/** One bar of the picture: a run, and how tall to draw it. */
export interface RunDatum {
  index: number;
  run: JobRun;
  /** How long it took, or has been going for; 0 when unknown. */
  seconds: number;
  /** Its colour, from its outcome. */
  color: string;
  /** Fill: the colour itself, or a hatch of it for a run the schedule started. */
  fill: string;
}

/** Where a bar is drawn, for the card that tells about it. */
export interface BarPlace {
  index: number;
  x: number;
  width: number;
}

/** The name of the person who started a run from the portal, as the catalog shows them. */
function PersonName(props: {
  entityRef: string;
  children: (name: string) => ReactNode;
}) {
  const { primaryTitle } = useEntityPresentation(props.entityRef, {
    defaultKind: 'user',
  });
  return <>{props.children(primaryTitle)}</>;
}

/** The run in plain words, with the name of whoever started it from the portal. */
export function RunWords(props: {
  run: JobRun;
  slowAfterSeconds?: number;
  children: (lines: string[]) => ReactNode;
}) {
  const { run, slowAfterSeconds, children } = props;
  if (run.trigger === 'portal' && run.triggeredBy) {
    return (
      <PersonName entityRef={run.triggeredBy}>
        {personName =>
          children(describeChartRun(run, { personName, slowAfterSeconds }))
        }
      </PersonName>
    );
  }
  return <>{children(describeChartRun(run, { slowAfterSeconds }))}</>;
}

/**
 * Props of {@link RunBar}. Recharts adds the geometry and the datum (`payload`) to the element
 * given as a Bar's `shape`.
 */
export interface RunBarProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: RunDatum;
  /** The whole column behind the bar: hovering or clicking it counts, even for a tiny bar. */
  background?: { x: number; y: number; width: number; height: number };
  slowAfterSeconds?: number;
  selectedRun?: string;
  onOpen: (run: JobRun) => void;
  onShow: (place: BarPlace | undefined) => void;
}

/**
 * A run as a bar one can point at, focus and open: hovering or focusing it shows the run in
 * words, a click or Enter opens it. Its accessible name says the same as the card.
 */
export function RunBar(props: RunBarProps) {
  const { x = 0, y = 0, width = 0, height = 0, payload, background } = props;
  const { onOpen, onShow, selectedRun, slowAfterSeconds } = props;
  const theme = useTheme();
  const [focused, setFocused] = useState(false);
  if (!payload) {
    return null;
  }
  const { run, color, fill, index } = payload;
  const place = { index, x, width };
  const selected = run.name === selectedRun;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(run);
    }
  };
  return (
    <RunWords run={run} slowAfterSeconds={slowAfterSeconds}>
      {lines => (
        <g
          role="link"
          tabIndex={0}
          aria-label={lines.join(' ')}
          aria-current={selected ? 'true' : undefined}
          data-run={run.name}
          style={{ cursor: 'pointer', outline: 'none' }}
          onClick={() => onOpen(run)}
          onKeyDown={onKeyDown}
          onMouseEnter={() => onShow(place)}
          onMouseLeave={() => onShow(undefined)}
          onFocus={() => {
            setFocused(true);
            onShow(place);
          }}
          onBlur={() => {
            setFocused(false);
            onShow(undefined);
          }}
        >
          {background && (
            <rect {...background} fill="transparent" aria-hidden />
          )}
          <rect
            x={x}
            y={y}
            width={width}
            height={height}
            fill={fill}
            stroke={color}
            strokeWidth={run.trigger === 'schedule' ? 1.5 : 0}
          />
          {(focused || selected) && (
            <rect
              x={x - 3}
              y={y - 3}
              width={width + 6}
              height={height + 6}
              fill="none"
              stroke={
                focused
                  ? theme.palette.primary.main
                  : theme.palette.text.primary
              }
              strokeWidth={2}
              strokeDasharray={focused ? undefined : '3 2'}
            />
          )}
        </g>
      )}
    </RunWords>
  );
}
