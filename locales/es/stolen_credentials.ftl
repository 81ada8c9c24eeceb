## stolen_credentials: alguien inició sesión, o lo intentó, con la dirección del lector y
## una contraseña publicada en una filtración de datos de otro sitio. Bloqueamos el inicio
## de sesión; el enlace sirve para elegir una contraseña nueva. Español neutro, tú.

# Asunto, menos de unos 50 caracteres. $client (String): el nombre de la aplicación.
stolen-credentials-subject = Cambia tu contraseña de { $client }
# Texto de vista previa que los clientes de correo muestran junto al asunto.
stolen-credentials-preheader = Tu contraseña apareció en una filtración de datos de otro sitio.
# El título al principio del mensaje.
stolen-credentials-heading = Tu contraseña apareció en una filtración de datos
# Primer párrafo: qué pasó. $client: el nombre de la aplicación.
stolen-credentials-intro = Alguien intentó iniciar sesión en tu cuenta de { $client } con una contraseña que se publicó en una filtración de datos de otro sitio web o aplicación. Bloqueamos ese inicio de sesión para proteger tu cuenta.
# Encima del botón: qué hacer.
stolen-credentials-next = Elige una contraseña nueva que no uses en ningún otro sitio. Si usabas la anterior en otros sitios, cámbiala también allí.
# El texto del botón (también una línea propia en la parte de texto, encima del enlace).
stolen-credentials-action = Elegir una nueva contraseña
# $duration (String): una duración formada con duration-*, p. ej. "1 hora".
stolen-credentials-expiry = Este enlace vence en { $duration } y solo se puede usar una vez.
# Último párrafo: qué significa si el inicio de sesión no fue del lector.
stolen-credentials-not-you = Si no intentaste iniciar sesión, otra persona conoce esta contraseña: cámbiala ahora.
# Lo mismo, cuando la aplicación tiene una dirección de soporte. $support (String): esa dirección.
stolen-credentials-not-you-support = Si no intentaste iniciar sesión, otra persona conoce esta contraseña: cámbiala ahora. Si necesitas ayuda, escribe a { $support }.
