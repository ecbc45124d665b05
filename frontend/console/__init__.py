"""The admin console of a government's host (`/kantor/admin/`): the admin koordinator's pages
for the organisation, invitations, routing rules and their simulator, the working calendar and
SLA targets, privacy settings, branding and the audit log.

Every page asks `warga.access.policy` for the action it changes and shows the policy's reason
when refused; every write is one call of the service the API calls; every form is a plain POST
that works without JavaScript (post-redirect-get, the error next to its field and summarised
at the top).
"""
