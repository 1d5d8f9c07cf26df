import { mockServices } from '@backstage/backend-test-utils';
import { RequestStarter } from './RequestStarter';
import { REQUEST_SWEEP_TASK, RequestSweep } from './requestTasks';

describe('RequestSweep', () => {
  const setup = (sweep: () => Promise<void> = async () => {}) => {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const now = new Date('2026-12-01T10:00:00.000Z');
    const requestSweep = new RequestSweep({
      scheduler,
      starter: { sweep } as unknown as RequestStarter,
      logger,
      sweepSeconds: 10,
      now: () => now,
    });
    return { scheduler, logger, now, requestSweep };
  };

  afterEach(() => jest.useRealTimers());

  it('schedules a global task every sweepSeconds', async () => {
    const { scheduler, requestSweep } = setup();
    await requestSweep.schedule();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: REQUEST_SWEEP_TASK,
        frequency: { seconds: 10 },
        scope: 'global',
      }),
    );
  });

  it('asks for a sweep at a time sooner than the next tick, not for later ones', async () => {
    jest.useFakeTimers();
    const { scheduler, now, requestSweep } = setup();
    scheduler.triggerTask.mockResolvedValue();
    await requestSweep.schedule();
    requestSweep.dueAt(new Date(now.getTime() + 3000));
    requestSweep.dueAt(new Date(now.getTime() + 60_000));
    jest.advanceTimersByTime(2000);
    expect(scheduler.triggerTask).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1100);
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
    expect(scheduler.triggerTask).toHaveBeenCalledWith(REQUEST_SWEEP_TASK);
    jest.advanceTimersByTime(120_000);
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
  });

  it('logs an outage once, and when it is over', async () => {
    let fail = true;
    const { scheduler, logger, requestSweep } = setup(async () => {
      if (fail) throw new Error('Run history is unavailable right now');
    });
    await requestSweep.schedule();
    const { fn } = scheduler.scheduleTask.mock.calls[0][0];
    await fn(new AbortController().signal as any);
    await fn(new AbortController().signal as any);
    expect(logger.error).toHaveBeenCalledTimes(1);
    fail = false;
    await fn(new AbortController().signal as any);
    expect(logger.info).toHaveBeenCalledWith(
      'kubernetes-jobs: run requests are swept again',
    );
  });
});
