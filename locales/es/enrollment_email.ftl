## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = Activa la verificación en dos pasos en { $client }
enrollment-preheader = Protege tu cuenta de { $client } con un segundo paso al iniciar sesión.
enrollment-heading = Activa la verificación en dos pasos
enrollment-intro = { $client } te pide agregar un segundo paso al iniciar sesión, para que tu contraseña sola ya no baste para entrar a tu cuenta. Solo toma un minuto.
# The button's label.
enrollment-action = Activar la verificación en dos pasos
# $duration (String): e.g. "5 días".
enrollment-expiry = Este enlace vence en { $duration }.
enrollment-not-you = Si no tienes una cuenta de { $client }, puedes ignorar este correo.
