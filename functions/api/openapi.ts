import { LOCALES } from "../i18n/locales";
import { METRICS } from "../scoring/metrics";
import { SCOPES } from "../security/scopes";
import { BUILT_IN_DIMENSIONS } from "../surveys/survey-input";

/**
 * The OpenAPI 3.1 description of every route. A test compares its paths and methods with the
 * router and checks that each operation's scope is the one the route demands.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });
const authErrors = {
  "401": errorResponse("Missing or invalid credentials."),
  "403": errorResponse("The key lacks the required scope."),
};
const HTML = { "text/html": { schema: { type: "string" } } };
const secured = (scope: string) => ({ security: [{ bearer: [scope] }] });
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });

const perLocale = {
  type: "object",
  propertyNames: { enum: [...LOCALES] },
  additionalProperties: { type: "string", minLength: 1, maxLength: 500 },
};
const scale = {
  type: "object",
  required: ["min", "max"],
  properties: { min: { type: "integer" }, max: { type: "integer" } },
  description: "csat and rating: 1–5, 1–7 or 1–10; nps: 0–10; ces: 1–7 or 1–5; intent: 1–5. Defaults to the first.",
};
const editableSurveyFields = {
  name: { type: "string", minLength: 1, maxLength: 200 },
  satisfied_min: { type: "integer", description: "Lowest score counted as satisfied (top-2-box by default; 9 for NPS; 5 for CES 1–7)." },
  headline: { enum: ["percent", "mean"] },
  question: { ...perLocale, description: "The question per language; a localized default per metric when absent." },
  locale: { enum: [...LOCALES], default: "en" },
  touchpoint: { type: ["string", "null"], pattern: "^[a-z0-9][a-z0-9_-]{0,63}$", examples: ["support", "purchase", "trial_end"] },
  attribute: { type: ["string", "null"], maxLength: 200, description: "What a rating survey rates; required for metric rating." },
  timezone: { type: "string", default: "UTC", description: "IANA time zone; rollup days are local days of this zone." },
  segments: {
    type: "array",
    maxItems: 20,
    uniqueItems: true,
    items: { type: "string", pattern: "^[a-z][a-z0-9_]{0,39}$" },
    description: `Custom property keys kept for breakdowns; ${BUILT_IN_DIMENSIONS.join(", ")} are always kept.`,
  },
  public: { type: "boolean", default: false },
  min_public_n: { type: "integer", minimum: 1, maximum: 10000, default: 10 },
  target: {
    type: ["object", "null"],
    required: ["value", "by"],
    properties: { value: { type: "number" }, by: { type: "string", format: "date" } },
  },
  benchmark: {
    type: ["object", "null"],
    required: ["value", "label"],
    properties: { value: { type: "number" }, label: { type: "string", maxLength: 100 } },
  },
  follow_up: { ...perLocale, description: 'The open follow-up prompt per language; "What could we do better?" localized by default.' },
};

const document = {
  openapi: "3.1.0",
  info: {
    title: "Tapscore API",
    version: "1.0.0",
    description:
      "One-tap CSAT, NPS and CES on your own Cloudflare account. Authenticate with `Authorization: Bearer <key>`; " +
      "errors are `{ error: { code, message, field? } }` with a 4xx status.",
  },
  servers: [{ url: "/" }],
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret or an API key (tsk_…)." },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
          },
        },
      },
      Scope: { enum: [...SCOPES] },
      ApiKey: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          scopes: { type: "array", items: ref("Scope") },
          created_at: { type: "string", format: "date-time" },
          last_used_at: { type: ["string", "null"], format: "date-time" },
          revoked_at: { type: ["string", "null"], format: "date-time" },
        },
      },
      NewSurvey: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name", "metric"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$" },
          metric: { enum: [...METRICS] },
          scale,
          ...editableSurveyFields,
        },
      },
      SurveyPatch: {
        type: "object",
        additionalProperties: false,
        description: "Any editable field; id, metric and scale cannot change.",
        properties: { ...editableSurveyFields, archived: { type: "boolean" } },
      },
      Response: {
        type: "object",
        properties: {
          id: { type: "string" },
          invitation: { type: "string" },
          recipient: { type: "string" },
          score: { type: "integer" },
          comment: { type: ["string", "null"] },
          status: { enum: ["counted", "suspected", "excluded"], description: "Only counted responses enter metrics." },
          reason: {
            type: "string",
            description: "Why: tap, confirmed, override, sweep, replay, cloud_network, headless_client, bot_client, tool_client, empty_client.",
          },
          override: { enum: ["counted", "excluded", null] },
          locale: { type: ["string", "null"] },
          properties: { type: "object", additionalProperties: { type: "string" } },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
        },
      },
      Invitation: {
        type: "object",
        properties: {
          id: { type: "string" },
          recipient: { type: "string" },
          locale: { enum: [...LOCALES] },
          expires_at: { type: "string", format: "date-time" },
          url: { type: "string", description: "The page with the whole scale, for a plain link." },
          links: { type: "object", additionalProperties: { type: "string" }, description: "One one-tap link per score." },
          html: { type: "string", description: "Paste-ready email block: table layout, inline styles, no script." },
          text: { type: "string", description: "The plain-text equivalent." },
        },
      },
      Survey: {
        type: "object",
        properties: {
          id: { type: "string" },
          metric: { enum: [...METRICS] },
          scale,
          ...editableSurveyFields,
          archived: { type: "boolean" },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
          archived_at: { type: ["string", "null"], format: "date-time" },
        },
      },
    },
  },
  paths: {
    "/healthz": {
      get: {
        operationId: "health",
        summary: "Liveness and database reachability",
        responses: { "200": { description: "Healthy", content: json({ type: "object" }) }, "503": { description: "Database unreachable" } },
      },
    },
    "/api/v1/openapi.json": {
      get: { operationId: "openapi", summary: "This document", responses: { "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) } } },
    },
    "/api/v1/keys": {
      post: {
        operationId: "createKey",
        summary: "Create an API key; the secret is returned once",
        ...secured("admin"),
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["name", "scopes"],
            properties: { name: { type: "string" }, scopes: { type: "array", items: ref("Scope"), minItems: 1 } },
          }),
        },
        responses: {
          "201": { description: "Created", content: json({ allOf: [ref("ApiKey"), { properties: { key: { type: "string" } } }] }) },
          "400": errorResponse("Invalid field"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listKeys",
        summary: "List API keys (never their secrets)",
        ...secured("admin"),
        responses: { "200": { description: "Keys", content: json({ type: "object", properties: { keys: { type: "array", items: ref("ApiKey") } } }) }, ...authErrors },
      },
    },
    "/api/v1/keys/{id}": {
      delete: {
        operationId: "revokeKey",
        summary: "Revoke an API key at once",
        ...secured("admin"),
        parameters: [idParam("id", "Key id")],
        responses: { "204": { description: "Revoked" }, "404": errorResponse("No active key with this id"), ...authErrors },
      },
    },
    "/api/v1/surveys": {
      post: {
        operationId: "createSurvey",
        summary: "Create a survey",
        ...secured("surveys:write"),
        requestBody: { required: true, content: json(ref("NewSurvey")) },
        responses: {
          "201": { description: "Created", content: json(ref("Survey")) },
          "400": errorResponse("Invalid field (named in error.field)"),
          "409": errorResponse("A survey with this id exists"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listSurveys",
        summary: "List surveys by id",
        ...secured("surveys:read"),
        parameters: [
          { name: "include_archived", in: "query", schema: { type: "boolean", default: false } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page" },
        ],
        responses: {
          "200": {
            description: "A page of surveys",
            content: json({ type: "object", properties: { surveys: { type: "array", items: ref("Survey") }, next_cursor: { type: ["string", "null"] } } }),
          },
          "400": errorResponse("Invalid query"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}": {
      get: {
        operationId: "getSurvey",
        summary: "Read a survey",
        ...secured("surveys:read"),
        parameters: [idParam("id", "Survey id")],
        responses: { "200": { description: "The survey", content: json(ref("Survey")) }, "404": errorResponse("Unknown survey"), ...authErrors },
      },
      patch: {
        operationId: "updateSurvey",
        summary: "Change editable fields (or archived)",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id")],
        requestBody: { required: true, content: json(ref("SurveyPatch")) },
        responses: {
          "200": { description: "The changed survey", content: json(ref("Survey")) },
          "400": errorResponse("Invalid or immutable field"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
      delete: {
        operationId: "archiveSurvey",
        summary: "Archive a survey (its data stays)",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id")],
        responses: { "200": { description: "The archived survey", content: json(ref("Survey")) }, "404": errorResponse("Unknown survey"), ...authErrors },
      },
    },

    "/api/v1/surveys/{id}/invitations": {
      post: {
        operationId: "createInvitations",
        summary: "Create invitations: one-tap links and email snippets per recipient",
        ...secured("invitations:write"),
        parameters: [idParam("id", "Survey id")],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["recipients"],
            additionalProperties: false,
            properties: {
              recipients: {
                type: "array",
                minItems: 1,
                maxItems: 1000,
                items: {
                  type: "object",
                  required: ["recipient"],
                  additionalProperties: false,
                  properties: {
                    recipient: { type: "string", maxLength: 200 },
                    email: { type: "string", format: "email" },
                    locale: { enum: [...LOCALES] },
                    properties: {
                      type: "object",
                      description: "Segment values: touchpoint, channel, country (ISO 3166), variant and the survey's segments.",
                      additionalProperties: { type: ["string", "number", "boolean"] },
                    },
                  },
                },
              },
              expires_in_days: { type: "integer", minimum: 1, maximum: 365, default: 30 },
              throttle_days: { type: "integer", minimum: 1, maximum: 3650, description: "Skip anyone this survey invited within so many days." },
              snippets: { type: "boolean", default: true, description: "Include html and text per invitation." },
            },
          }),
        },
        responses: {
          "201": {
            description: "Created",
            content: json({
              type: "object",
              properties: {
                invitations: { type: "array", items: ref("Invitation") },
                skipped: {
                  type: "array",
                  items: { type: "object", properties: { recipient: { type: "string" }, reason: { enum: ["recently_invited", "duplicate_in_request"] } } },
                },
              },
            }),
          },
          "400": errorResponse("Invalid field"),
          "404": errorResponse("Unknown survey"),
          "409": errorResponse("The survey is archived"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}/responses": {
      get: {
        operationId: "listResponses",
        summary: "List responses, newest first",
        ...secured("responses:read"),
        parameters: [
          idParam("id", "Survey id"),
          { name: "status", in: "query", schema: { enum: ["counted", "suspected", "excluded"] } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page" },
        ],
        responses: {
          "200": {
            description: "A page of responses",
            content: json({ type: "object", properties: { responses: { type: "array", items: ref("Response") }, next_cursor: { type: ["string", "null"] } } }),
          },
          "400": errorResponse("Invalid query"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
    },
    "/api/v1/responses/{id}": {
      patch: {
        operationId: "overrideResponse",
        summary: "Override the counting rule for one response",
        ...secured("responses:write"),
        parameters: [idParam("id", "Response id")],
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["status"], properties: { status: { enum: ["counted", "excluded", "auto"] } } }),
        },
        responses: {
          "200": { description: "The response with its new status", content: json(ref("Response")) },
          "400": errorResponse("Invalid field"),
          "404": errorResponse("Unknown response"),
          ...authErrors,
        },
      },
    },
    "/r/{token}": {
      get: {
        operationId: "respondentScale",
        summary: "Respondent page with the whole scale (HTML)",
        parameters: [idParam("token", "Signed link token")],
        responses: { "200": { description: "Page", content: HTML }, "404": { description: "Unknown or forged link (page)" }, "410": { description: "Expired link or closed survey (page)" } },
      },
      head: {
        operationId: "respondentProbe",
        summary: "Link check; recorded, never counted",
        parameters: [idParam("token", "Signed link token")],
        responses: { "200": { description: "Link exists" }, "404": { description: "Unknown link" } },
      },
      post: {
        operationId: "respondentSubmit",
        summary: "The page's forms: choose another score, or leave a comment",
        parameters: [idParam("token", "Signed link token")],
        requestBody: {
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["score"],
                properties: { action: { enum: ["choose", "comment"] }, score: { type: "integer" }, comment: { type: "string", maxLength: 2000 }, nonce: { type: "string" } },
              },
            },
          },
        },
        responses: { "200": { description: "Page", content: HTML }, "400": { description: "Not a valid form (page)" } },
      },
    },
    "/r/{token}/{score}": {
      get: {
        operationId: "respondentTap",
        summary: "The one-tap link from the email (HTML)",
        parameters: [idParam("token", "Signed link token"), { name: "score", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Thank-you page with the choice marked", content: HTML }, "400": { description: "Score not on the scale (page)" } },
      },
      head: {
        operationId: "respondentProbeScore",
        summary: "Link check; recorded, never counted",
        parameters: [idParam("token", "Signed link token"), { name: "score", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Link exists" } },
      },
    },
    "/r/{token}/signal": {
      post: {
        operationId: "respondentSignal",
        summary: "Beacon sent by the page on a person's first input",
        parameters: [idParam("token", "Signed link token")],
        responses: { "204": { description: "Recorded" } },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof document;
export const OPENAPI: OpenApiDocument = document;

export function openApiDocument(): Response {
  return Response.json(document, { headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" } });
}
