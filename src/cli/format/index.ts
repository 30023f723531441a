// berth's output formatting, shaped after the docker CLI: Go templates for --format, docker's
// table/json formatter and tabwriter, and go-units' human-readable times and sizes.
export {
  Template, TemplateExecError, TemplateParseError, parseTemplate, formatGoValue, goJson,
  sprintf, sprint, sprintln, NO_VALUE,
} from './template';
export type { TemplateFunc, TemplateOptions } from './template';
export {
  FormatError, formatItems, formatOne, parseFormat, templateText, isTableFormat, isJsonFormat,
  TABLE_FORMAT_KEY, JSON_FORMAT_KEY, JSON_FORMAT,
} from './table';
export type { FormatOptions } from './table';
export { tabwrite, displayWidth, DOCKER_TABLE } from './tabwriter';
export type { TabWriterOptions } from './tabwriter';
export {
  humanDuration, timeAgo, isZeroTime, containerStatus, humanSize, humanSize4, humanSizeWithPrecision,
  bytesSize, ramInBytes, fromHumanSize, goTimeString,
} from './units';
export type { ContainerStatusState } from './units';
