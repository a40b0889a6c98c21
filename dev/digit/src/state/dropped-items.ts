// Items a bulk create dropped. The health services validate a bulk request only when they consume it from
// Kafka, long after answering 202, so the caller never hears of an invalid item: it is left out of the
// save and its error goes to the tracer's error-details topic (handleErrors with isBulk in
// health-services/libraries/health-services-common/.../utils/CommonUtils.java, sent on by
// ExceptionAdvise.exceptionHandler(List<ErrorDetail>) of Digit-Core's tracer library). The simulator keeps
// them for inspection instead.
export interface DroppedItem {
  /** The bulk endpoint the item came through. */
  path: string;
  code: string;
  message: string;
  item: Record<string, unknown>;
  /** Epoch ms of the processing that dropped it. */
  droppedAt: number;
}
