import { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';

/** Width of a chart where its container cannot be measured. */
const FALLBACK_WIDTH = 640;

/**
 * A chart as wide as its container. Where the browser cannot measure it (no ResizeObserver, as
 * in jsdom), the chart keeps a fixed width rather than being drawn 0 pixels wide.
 */
export function ChartFrame(props: {
  height: number;
  children: (size: { width?: number; height?: number }) => ReactElement;
}) {
  const { height, children } = props;
  if (typeof ResizeObserver === 'undefined') {
    return children({ width: FALLBACK_WIDTH, height });
  }
  return (
    <ResponsiveContainer width="100%" height={height}>
      {children({})}
    </ResponsiveContainer>
  );
}
