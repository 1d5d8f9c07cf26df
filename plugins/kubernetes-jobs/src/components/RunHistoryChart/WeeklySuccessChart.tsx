import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatPercent, plural } from '../../utils/format';
import { describeWeeklySuccess, WeekSuccess } from '../../utils/runHistory';
import { ChartFrame } from './ChartFrame';

let nextId = 0;

/** Props of {@link WeeklySuccessChart}. */
export interface WeeklySuccessChartProps {
  weeks: WeekSuccess[];
}

/**
 * The success rate of each of the last weeks as a line; a week with no finished run is a gap
 * in it, not a fall to 0 %.
 */
export function WeeklySuccessChart(props: WeeklySuccessChartProps) {
  const { weeks } = props;
  const theme = useTheme();
  const [id] = useState(() => `weekly-success-${++nextId}`);
  const data = weeks.map(week => ({
    ...week,
    percent: week.rate === undefined ? null : Math.round(week.rate * 100),
  }));
  const axisText = { fill: theme.palette.text.secondary, fontSize: 12 };
  return (
    <Box
      component="figure"
      m={0}
      aria-labelledby={`${id}-caption`}
      aria-describedby={`${id}-words`}
    >
      <Typography
        id={`${id}-caption`}
        component="figcaption"
        variant="subtitle2"
        gutterBottom
      >
        Success rate per week, last {plural(weeks.length, 'week')}
      </Typography>
      <ChartFrame height={200}>
        {size => (
          <LineChart
            {...size}
            data={data}
            margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
          >
            <CartesianGrid
              stroke={theme.palette.divider}
              strokeDasharray="3 3"
              vertical={false}
            />
            <XAxis
              dataKey="label"
              interval="preserveStartEnd"
              minTickGap={16}
              tick={axisText}
              stroke={theme.palette.divider}
            />
            <YAxis
              domain={[0, 100]}
              ticks={[0, 50, 100]}
              tickFormatter={(value: number) => formatPercent(value / 100)}
              tick={axisText}
              stroke={theme.palette.divider}
              width={48}
            />
            <Tooltip
              contentStyle={{
                background: theme.palette.background.paper,
                borderColor: theme.palette.divider,
                color: theme.palette.text.primary,
              }}
              labelFormatter={(label: string) => `Week of ${label}`}
              formatter={(_value, _name, item) => {
                const week = item.payload as WeekSuccess;
                return [
                  `${formatPercent(week.rate)} (${week.succeeded} of ${
                    week.succeeded + week.failed
                  } finished runs)`,
                  'Succeeded',
                ];
              }}
            />
            <Line
              dataKey="percent"
              type="linear"
              stroke={theme.palette.primary.main}
              strokeWidth={2}
              dot={{ r: 4, fill: theme.palette.primary.main }}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        )}
      </ChartFrame>
      <Typography variant="caption" color="textSecondary" component="p">
        A gap is a week without finished runs. Stopped runs do not count.
      </Typography>
      <Box id={`${id}-words`} display="none">
        {describeWeeklySuccess(weeks)}
      </Box>
    </Box>
  );
}
