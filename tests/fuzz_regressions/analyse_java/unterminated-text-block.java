class T { String s = """
  https://x.io/\u00
  "%s" \
class U { @GET( String.format("%new URL(new URL(new URL(
