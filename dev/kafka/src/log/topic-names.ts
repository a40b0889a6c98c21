// Kafka's topic name rules: 1..249 chars of [a-zA-Z0-9._-], not '.' or '..'.
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && name !== '.' && name !== '..' && LEGAL.test(name);
}
