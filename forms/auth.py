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


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Correo electrónico de su cuenta",
        validators=[
            DataRequired("Escriba su correo electrónico."),
            Email("Escriba un correo electrónico válido, por ejemplo nombre@alcaldia.gov.co."),
            Length(max=254),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField("Nueva contraseña", validators=[
        DataRequired("Escriba la nueva contraseña."), Length(max=200, message="Use como máximo 200 caracteres.")])
    confirm = PasswordField("Repita la nueva contraseña", validators=[
        DataRequired("Repita la nueva contraseña."), Length(max=200)])


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField("Contraseña actual", validators=[
        DataRequired("Escriba su contraseña actual."), Length(max=200)])
