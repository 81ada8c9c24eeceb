variable "mailroom_url" {
  description = "mailroom's public https URL, as Auth0 reaches it (the TLS proxy in front of `mailroom serve`), e.g. https://mailroom.example.com. The Action appends /v1/auth0/custom-email-provider."
  type        = string

  validation {
    condition     = can(regex("^https://[^/?#@\\s]+(/[^?#\\s]*)?$", var.mailroom_url))
    error_message = "mailroom_url must be an https:// URL without query, fragment or credentials, e.g. https://mailroom.example.com."
  }
}

variable "mailroom_ingest_token" {
  description = "The same value as mailroom's MAILROOM_INGEST_TOKEN (at least 16 printable characters, e.g. `openssl rand -hex 32`). Stored as an Action secret; Terraform's state holds it in plain text."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.mailroom_ingest_token) >= 16 && can(regex("^[!-~]+$", var.mailroom_ingest_token))
    error_message = "mailroom_ingest_token must be at least 16 printable ASCII characters without spaces, like mailroom's MAILROOM_INGEST_TOKEN."
  }
}

variable "mailroom_timeout_ms" {
  description = "How long the Action waits for mailroom, in milliseconds (the Action's default is 10000 when this is null). Keep it well under the Actions execution limit."
  type        = number
  default     = null

  validation {
    condition     = var.mailroom_timeout_ms == null ? true : (var.mailroom_timeout_ms >= 100 && var.mailroom_timeout_ms <= 15000 && floor(var.mailroom_timeout_ms) == var.mailroom_timeout_ms)
    error_message = "mailroom_timeout_ms must be a whole number from 100 to 15000."
  }
}

variable "from_address" {
  description = "Auth0's default From address (email provider and templates). Auth0 requires one; the email the user gets is sent From mailroom's MAILROOM_FROM."
  type        = string
}

variable "action_name" {
  description = "Name of the Custom Email Provider Action in the tenant."
  type        = string
  default     = "mailroom"
}
