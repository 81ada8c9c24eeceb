# mailroom as the Auth0 tenant's email provider: the Custom Email Provider Action
# (deploy/auth0/action.js), its binding to the custom-email-provider trigger, the "custom"
# email provider, and one email template per stub in deploy/auth0/templates/.
#
# Checked by scripts/check-terraform.py (structure) and `terraform fmt -check`.
# The provider reads AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or
# AUTH0_API_TOKEN) from the environment. See README.md beside this file.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    auth0 = {
      source  = "auth0/auth0"
      version = "~> 1.0"
    }
  }
}

provider "auth0" {}

locals {
  # Auth0 email template name => its stub (deploy/auth0/templates/) and subject. Auth0
  # requires a subject, but the user sees mailroom's own, localized one.
  # Not here: the passwordless code (configured on the email connection, not an email
  # template) and Auth0's provider test (it has no template). See README.md.
  email_templates = {
    verify_email         = { file = "verify_email.html", subject = "Verify your email" }
    verify_email_by_code = { file = "verify_email_by_code.html", subject = "Your verification code" }
    reset_email          = { file = "reset_email.html", subject = "Reset your password" }
    reset_email_by_code  = { file = "reset_email_by_code.html", subject = "Your password reset code" }
    welcome_email        = { file = "welcome_email.html", subject = "Welcome" }
    mfa_oob_code         = { file = "mfa_oob_code.html", subject = "Your sign-in code" }
    enrollment_email     = { file = "enrollment_email.html", subject = "Set up multi-factor authentication" }
    blocked_account      = { file = "blocked_account.html", subject = "Sign-in attempts were blocked" }
    stolen_credentials   = { file = "stolen_credentials.html", subject = "Your password was found in a breach" }
    # The Action receives this one as message_type "organization_invitation".
    user_invitation = { file = "user_invitation.html", subject = "You are invited" }
  }
}

resource "auth0_action" "mailroom" {
  name    = var.action_name
  runtime = "node22"
  deploy  = true
  code    = file("${path.module}/../auth0/action.js")

  supported_triggers {
    id      = "custom-email-provider"
    version = "v1"
  }

  secrets {
    name  = "MAILROOM_URL"
    value = var.mailroom_url
  }

  secrets {
    name  = "MAILROOM_INGEST_TOKEN"
    value = var.mailroom_ingest_token
  }

  dynamic "secrets" {
    for_each = var.mailroom_timeout_ms == null ? [] : [tostring(var.mailroom_timeout_ms)]
    content {
      name  = "MAILROOM_TIMEOUT_MS"
      value = secrets.value
    }
  }
}

# The only action of the custom-email-provider flow (Auth0 allows one).
resource "auth0_trigger_actions" "custom_email_provider" {
  trigger = "custom-email-provider"

  actions {
    id           = auth0_action.mailroom.id
    display_name = auth0_action.mailroom.name
  }
}

resource "auth0_email_provider" "custom" {
  name                 = "custom"
  enabled              = true
  default_from_address = var.from_address

  # A custom provider has no credentials: the Action holds mailroom's.
  credentials {}

  depends_on = [auth0_trigger_actions.custom_email_provider]
}

resource "auth0_email_template" "mailroom" {
  for_each = local.email_templates

  template = each.key
  body     = file("${path.module}/../auth0/templates/${each.value.file}")
  from     = var.from_address
  subject  = each.value.subject
  syntax   = "liquid"
  enabled  = true

  depends_on = [auth0_email_provider.custom]
}
