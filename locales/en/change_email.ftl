## change_email: the link that confirms a new email address; sent to the new address.

# Subject line. $client (String): the application's name, any script or a company name.
change-email-subject = Confirm your new email address for { $client }
# Preview text that mail clients show next to the subject.
change-email-preheader = One click to use this address with { $client }.
change-email-heading = Confirm your new email address
# When the new address is known. $email (String): that address. $client: the application's name.
change-email-intro-address = You asked to use { $email } for your { $client } account. Confirm the change to start using it.
# When it is not.
change-email-intro = You asked to use this address for your { $client } account. Confirm the change to start using it.
# The button's label.
change-email-action = Confirm the new address
# $duration (String): a localized duration built from duration-*, e.g. "24 hours".
change-email-expiry = This link expires in { $duration }.
# $client: the application's name.
change-email-ignore = If you didn't ask for this change, ignore this email: your { $client } account keeps its current address.
