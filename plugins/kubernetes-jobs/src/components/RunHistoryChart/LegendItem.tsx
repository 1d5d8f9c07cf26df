import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** How a legend item's sample looks: a bar filled or hatched, or a dashed line. */
export type SwatchLook = 'filled' | 'hatched' | 'line';

/** A small sample of a bar's look, or of the usual duration's line, for the legend. */
function Swatch(props: { color: string; look: SwatchLook }) {
  const { color, look } = props;
  if (look === 'line') {
    return (
      <svg width={20} height={12} aria-hidden>
        <line
          x1={0}
          y1={6}
          x2={20}
          y2={6}
          stroke={color}
          strokeWidth={2}
          strokeDasharray="4 3"
        />
      </svg>
    );
  }
  return (
    <svg width={12} height={12} aria-hidden>
      <rect
        x={0.75}
        y={0.75}
        width={10.5}
        height={10.5}
        fill={color}
        fillOpacity={look === 'hatched' ? 0.15 : 1}
        stroke={color}
        strokeWidth={1.5}
      />
      {look === 'hatched' &&
        [4, 8, 12, 16, 20].map(d => (
          <line
            key={d}
            x1={Math.max(0, d - 12)}
            y1={Math.min(12, d)}
            x2={Math.min(12, d)}
            y2={Math.max(0, d - 12)}
            stroke={color}
            strokeWidth={1.5}
          />
        ))}
    </svg>
  );
}

/** One entry of a chart's legend: a sample and what it means. */
export function LegendItem(props: {
  color: string;
  look?: SwatchLook;
  children: string;
}) {
  return (
    <Box
      component="li"
      display="inline-flex"
      alignItems="center"
      style={{ gap: 6 }}
    >
      <Swatch color={props.color} look={props.look ?? 'filled'} />
      <Typography variant="caption">{props.children}</Typography>
    </Box>
  );
}
