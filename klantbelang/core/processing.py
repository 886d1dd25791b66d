"""The firm's register of processing activities (AVG/GDPR art. 30): what klantbelang processes
about clients and prospects, why, on what basis, for how long and who receives it. The firm is the
controller; the register describes the processing this application does on its behalf."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Activity:
    name: str
    purpose: str
    legal_basis: str
    data: str
    people: str
    retention: str
    recipients: str


SECURITY = _("Each firm's data is separate; access follows role and firm and is checked on every request; every "
             "change to client data is recorded in an audit log that cannot be changed; passwords are hashed "
             "with Argon2, sign-in is throttled, two-factor authentication is available and can be required; "
             "traffic is encrypted (HTTPS, HSTS); the database is backed up with a checked restore.")

ACTIVITIES = (
    Activity(_("Needs inventory and client file"),
             _("Knowing the client's situation and needs, so the advice suits them (duty of care)."),
             _("Agreement with the client; legal obligation (Wft, IDD, MiFID II suitability)."),
             _("Identity and contact details, household, work and income, assets and debts, objectives, risk "
               "profile; signs of vulnerability only with the client's explicit consent."),
             _("Clients and their household members."),
             _("As long as the relationship lasts, then as long as the advice files based on it are kept."),
             _("The firm's advisers and reviewers; the client in the portal.")),
    Activity(_("Advice files and four-eyes review"),
             _("Documenting the advice and reviewing it before it is released."),
             _("Legal obligation (record keeping under the Wft, IDD and MiFID II)."),
             _("The advice, the products considered and chosen with the reasons, costs and fees, reviews."),
             _("Clients."),
             _("The legal retention period for advice files."),
             _("The firm's advisers and reviewers; the client; supervisors on request.")),
    Activity(_("Relationship and aftercare"),
             _("Service agreements, periodic reviews, life events, complaints and client surveys."),
             _("Agreement with the client; legal obligation (complaint handling)."),
             _("Agreements, review outcomes, reported life events, complaints, survey answers."),
             _("Clients."),
             _("As long as the relationship lasts, complaints as long as the law requires."),
             _("The firm's advisers and management; the client in the portal.")),
    Activity(_("Prospects and marketing"),
             _("Contact with people who asked for it, and learning which sources bring lasting clients."),
             _("Consent to be contacted; legitimate interest for the firm's own evaluation."),
             _("Contact details, stated needs, source and campaign, contact moments; the score uses intake "
               "answers only."),
             _("Prospects."),
             _("Until the contact ends or consent is withdrawn."),
             _("The firm's marketing staff and advisers.")),
    Activity(_("Steering on quality"),
             _("Managing the firm on the quality of advice instead of sales volume."),
             _("Legitimate interest; legal obligation (sound business operations)."),
             _("Figures per adviser and team derived from advice files, reviews, aftercare and complaints."),
             _("The firm's staff."),
             _("Two years of monthly figures."),
             _("The firm's management; each adviser their own figures.")),
    Activity(_("Product governance and reports to manufacturers"),
             _("Telling product makers what the firm learns about their products (IDD POG, PARP)."),
             _("Legal obligation (product governance)."),
             _("Counts of clients per product and need, never a client's identity nor a group under five."),
             _("Clients, only in aggregate."),
             _("As long as the reports are kept."),
             _("Product developers of the manufacturer concerned, aggregates only.")),
    Activity(_("Dialogue"),
             _("Clients, advisers, product developers and management working on better products and ways of "
               "working."),
             _("Consent of the client who takes part."),
             _("Contributions, shown under a pseudonym unless the client chose their name."),
             _("Clients who opted in; staff; product developers."),
             _("As long as the topic is kept; the client can stop taking part at any time."),
             _("The participants of the topic.")),
    Activity(_("Accounts, sign-in and the audit log"),
             _("Secure access and accountability for every change to client data."),
             _("Legal obligation (security of processing); legitimate interest."),
             _("Name and e-mail address of users, sign-in attempts, API tokens, audit events."),
             _("The firm's staff, clients with portal access, product developers."),
             _("As long as the account exists; audit events as long as the files they concern."),
             _("The firm's administrators and management.")),
)
