// js-yaml ships no types; mig uses only `load`, for a fleet's targets file.
declare module 'js-yaml' {
  export function load(text: string): unknown
}
