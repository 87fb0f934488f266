from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Correo electrónico",
        validators=[
            DataRequired("Escriba su correo electrónico."),
            Email("Escriba un correo electrónico válido, por ejemplo nombre@alcaldia.gov.co."),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Contraseña", validators=[DataRequired("Escriba su contraseña."), Length(max=200)]
    )
