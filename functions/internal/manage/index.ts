/** The manage pages (/internal/manage/…), as functions/routes.ts wires them. */
export { ACTION_ANSWERS, FORM_BODY, PAGE_ANSWERS } from "./shell";
export { archiveSurveyAction, createSurveyAction, editSurveyAction, editSurveyForm, newSurveyForm, surveysList } from "./surveys";
export { exportAction, overrideAction, responsesPage } from "./responses";
export { addUnsubscribeAction, createKeyAction, createWebhookAction, deleteWebhookAction, removeUnsubscribeAction, revokeKeyAction, settingsView, testWebhookAction, webhookLog } from "./settings";
export { sendConfirmAction, sendPage, sendPreviewAction } from "./send";
export { auditPage } from "./audit";
export { oneOffLinkAction, sharePage } from "./share";
