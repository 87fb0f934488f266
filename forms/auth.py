from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from workflow_app.services.people.accounts import email_problem


class AccountEmail:
    """The address check shared by sign-in, password reset, invitations and the officials' import
    (``services.people.accounts.email_problem``)."""

    def __init__(self, message: str = "Escriba un correo electrónico válido, por ejemplo nombre@alcaldia.gov.co",
                 new: bool = False):
        self.message, self.new = message, new  # ``new``: an address an account is given (``email_problem``)

    def __call__(self, form, field) -> None:
        problem = email_problem(field.data or "", new=self.new)
        if problem:
            raise ValidationError(self.message if problem.startswith("no es") else f"{self.message}: {problem}.")


class LoginForm(FlaskForm):
    email = EmailField(
        "Correo electrónico",
        validators=[
            DataRequired("Escriba su correo electrónico."),
            AccountEmail(),
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
            AccountEmail(),
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
