/**
 * The parts of Delighted's npm client 2.2.0 (node_modules/delighted/lib) the tests drive; the package
 * ships no types. Resources are plain objects with the API's fields.
 */
declare module "delighted" {
  type Fields = Record<string, unknown>;
  interface Thenable<T> extends PromiseLike<T> {
    then<R1 = T, R2 = never>(onFulfilled?: (value: T) => R1 | PromiseLike<R1>, onRejected?: (reason: unknown) => R2 | PromiseLike<R2>): Thenable<R1 | R2>;
  }
  interface ListResource {
    autoPagingEach(onItem: (item: Fields) => boolean | void, options?: { auto_handle_rate_limits?: boolean }): Thenable<void>;
  }
  export interface Options {
    host?: string;
    port?: number;
    base?: string;
    scheme?: "http" | "https";
  }
  export interface Client {
    person: {
      create(data: Fields): Thenable<Fields>;
      list(params?: Fields): ListResource;
      delete(identifier: { id: string } | { email: string } | { phone_number: string }): Thenable<Fields>;
    };
    surveyRequest: { deletePending(params: { person_email: string }): Thenable<Fields> };
    surveyResponse: {
      all(params?: Fields): Thenable<Fields[]>;
      retrieve(id: string, params?: Fields): Thenable<Fields>;
      create(data: Fields): Thenable<Fields>;
    };
    metrics: { retrieve(params?: Fields): Thenable<Fields> };
    unsubscribe: { all(params?: Fields): Thenable<Fields[]>; create(data: Fields): Thenable<Fields> };
    bounce: { all(params?: Fields): Thenable<Fields[]> };
    autopilotConfiguration: { retrieve(platform: "email" | "sms"): Thenable<Fields> };
    autopilotMembership: {
      forEmail(): { list(params?: Fields): ListResource; create(data: Fields): Thenable<Fields>; delete(params: Fields): Thenable<Fields> };
    };
  }
  function delighted(key: string, options?: Options): Client;
  export default delighted;
}
