## blocked_account: la cuenta se bloqueó tras demasiados intentos fallidos de inicio de
## sesión (protección contra fuerza bruta); el enlace la desbloquea. Puede que el lector
## haya hecho los intentos: contar qué pasó, sin culpar ni alarmar. Español neutro, tú.

# Asunto, menos de unos 50 caracteres. $client (String): el nombre de la aplicación, en
# cualquier escritura.
blocked-account-subject = Bloqueamos tu cuenta de { $client }
# Texto de vista previa que los clientes de correo muestran junto al asunto.
blocked-account-preheader = Tras varios intentos fallidos de inicio de sesión. Puedes desbloquearla en un paso.
# El título al principio del mensaje.
blocked-account-heading = Tu cuenta está bloqueada
# Primer párrafo: qué pasó. $client: el nombre de la aplicación.
blocked-account-intro = Bloqueamos el inicio de sesión en tu cuenta de { $client } después de varios intentos fallidos, para protegerla.
# Encima del botón: qué hacer si los intentos fueron del lector.
blocked-account-next = Si fuiste tú, desbloquea tu cuenta y vuelve a iniciar sesión. Si olvidaste tu contraseña, puedes restablecerla una vez desbloqueada la cuenta.
# El texto del botón (también una línea propia en la parte de texto, encima del enlace).
blocked-account-action = Desbloquear mi cuenta
# $duration (String): una duración formada con duration-*, p. ej. "24 horas".
blocked-account-expiry = Este enlace vence en { $duration }.
# Último párrafo: qué hacer si no fue el lector.
blocked-account-not-you = Si no fuiste tú, es posible que alguien esté intentando adivinar tu contraseña. Desbloquea tu cuenta y cambia tu contraseña por una que no uses en ningún otro lugar.
# Lo mismo, cuando la aplicación tiene una dirección de soporte. $support (String): esa dirección.
blocked-account-not-you-support = Si no fuiste tú, es posible que alguien esté intentando adivinar tu contraseña. Desbloquea tu cuenta y cambia tu contraseña por una que no uses en ningún otro lugar. Si necesitas ayuda, escribe a { $support }.
