/**
 * The parts of govuk-frontend (which ships no type declarations) the request form's script uses:
 * https://frontend.design-system.service.gov.uk/import-javascript/
 */
declare module 'govuk-frontend' {
  interface ComponentClass {
    new ($root: Element, config?: Record<string, unknown>): unknown;
    moduleName: string;
  }
  export const Button: ComponentClass;
  export const Checkboxes: ComponentClass;
  export const ErrorSummary: ComponentClass;
  export const Radios: ComponentClass;
  export const ServiceNavigation: ComponentClass;
  export const SkipLink: ComponentClass;
  /** Creates an instance of a component for every element with its data-module in the document. */
  export function createAll(component: ComponentClass): unknown[];
}
